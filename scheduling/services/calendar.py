"""Private calendar feeds: one active URL per specialist, only its hash stored."""

from django.db import transaction
from django.utils import timezone

from scheduling import permissions as perms
from scheduling.models import CalendarFeed
from scheduling.services.common import require as _require


@transaction.atomic
def calendar_feed_regenerate(*, by) -> str:
    """A new private calendar URL for the specialist; the previous one stops working. Returns
    the token (shown once, only its hash is stored)."""
    _require(perms.can_have_calendar_feed(by))
    now = timezone.now()
    CalendarFeed.objects.filter(user=by, revoked_at=None).update(revoked_at=now)
    token = CalendarFeed.generate_token()
    CalendarFeed.objects.create(user=by, key_hash=CalendarFeed.hash(token), created_at=now)
    return token


def calendar_feed_revoke(*, by) -> int:
    _require(perms.can_have_calendar_feed(by))
    return CalendarFeed.objects.filter(user=by, revoked_at=None).update(revoked_at=timezone.now())
