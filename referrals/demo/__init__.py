"""Demo referrals: about a year of activity for the demo cardiology ESS in the Loiret.

The two demo GPs (Cabinet médical des Carmes in Orléans, MSP of Meung-sur-Loire) send about
300 cardiology referrals over the last 365 days. What they ask and what the cardiologists
answer is in `data.toml`; `draw` turns it into each referral's story (who, when, how it ends),
`story` plans its steps, and `replay` plays them through the services at their moments, so the
demo holds what real users would have produced. Older cases are closed, recent ones are still
open, and a few recent ones are held at a chosen stage so that every queue has something.

Reproducible (one seeded random generator): two runs on the same day give the same referrals,
apart from the most recent ones. Idempotent: nothing is added when the demo GPs already have
referrals.
"""

from django.utils import timezone

from ess.demo_data import DemoDataError
from ess.models import Specialty
from members.models import User
from referrals.demo.data import load
from referrals.demo.draw import Year
from referrals.demo.immediate import seed_immediate_opinions
from referrals.demo.replay import replay
from referrals.models import Referral

__all__ = ["DemoDataError", "seed_immediate_opinions", "seed_referrals"]


def seed_referrals(users: dict[str, User]) -> int:
    """About a year of referrals from the demo GPs. Adds nothing if they already have some."""
    data = load()
    requesters = [users[key] for key in data.mix.requester]
    specialty = Specialty.objects.filter(code="cardiologie").first()
    if specialty is None or Referral.objects.filter(requester__in=requesters).exists():
        return 0
    now = timezone.now()
    stories = Year(data, users, specialty, now).stories()
    replay(stories, now=now)
    return len(stories)
