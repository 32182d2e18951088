"""Secure health messaging (MSSanté): the specialist's answer — a short text and the PDF report —
sent to the requester's MSSanté address through the operator's SMTP server, with the platform's
client certificate.

A message is a row (`SecureMessage`) recorded in the transaction of the answer (through the
`referrals.hooks.referral_answered` hook), delivered by a task after commit and swept again while
it is pending; it is sent once: locked, sent and marked sent in one transaction (services.py).
The connection is a Django email backend (backend.py) named by `ESS_MSSANTE_EMAIL_BACKEND`.
"""
