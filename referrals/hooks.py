"""Where the apps above referrals add to its pages: they connect when they are ready, so
referrals imports none of them."""

from django.dispatch import Signal

# Sent while a referral's page is built, with `request` and `referral` (which the viewer may
# see: the page looked it up through referral_get_for_user); each receiver returns a section of
# the page as HTML, or "" (pathways: the referral's care pathways, their tasks and alerts, and
# the link that opens one, pathways/views.py).
referral_page_sections = Signal()

# Sent inside the transaction of the specialist's answer (referral_complete), with `referral`
# (its answer written) and `by` (the specialist), once per answer given: a retried request sends
# nothing. Receivers record what the answer sets off in the same transaction and deliver it after
# commit (interop: the answer sent to the requester's secure messaging address,
# interop/mssante/).
referral_answered = Signal()
