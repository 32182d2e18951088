"""Signals other apps may connect to (members imports no higher layer).

`account_opened(sender, user)`: sent when an account is created or its address verified outside
allauth's own signup (an accepted invitation). Referrals connects it to attach the requests the
same professional sent without an account (referrals/services/claims.py).
"""

from django.dispatch import Signal

account_opened = Signal()
