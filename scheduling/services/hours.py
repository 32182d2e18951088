"""Writes on the ESS's opening hours and closures (managers). Each one forgets the cached
opening calendar once committed, so due times computed afterwards use the new hours."""

from datetime import date, time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import User
from scheduling import permissions as perms
from scheduling.models import Closure, Day, OpeningRange
from scheduling.selectors import OPENING_CALENDAR_CACHE_KEY
from scheduling.services.common import require as _require

MAX_RANGES_PER_DAY = 6
MAX_CLOSURE_DAYS = 366


def _forget_calendar() -> None:
    transaction.on_commit(lambda: cache.delete(OPENING_CALENDAR_CACHE_KEY))


@transaction.atomic
def opening_range_add(*, by: User, weekday: int, opens_at: time, closes_at: time) -> OpeningRange:
    """A manager adds a range to a weekday's opening hours (Paris time). The same range added
    twice is one range. Raises PermissionDenied (not a manager), ValidationError (closes
    before it opens, overlaps another range of the day, too many ranges)."""
    _require(perms.can_manage_opening_hours(by))
    if weekday not in Day.values:
        raise ValidationError({"weekday": _("Jour inconnu.")})
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("L'heure de fermeture doit suivre l'ouverture.")})
    # Two managers adding ranges to the same day at once: one after the other.
    day_ranges = list(OpeningRange.objects.select_for_update().filter(weekday=weekday))
    for other in day_ranges:
        if (other.opens_at, other.closes_at) == (opens_at, closes_at):
            return other  # a form sent twice
        if other.opens_at < closes_at and opens_at < other.closes_at:
            raise ValidationError(
                {
                    "opens_at": _("Cette plage chevauche celle de %(range)s, déjà saisie.")
                    % {"range": str(other)}
                }
            )
    if len(day_ranges) >= MAX_RANGES_PER_DAY:
        raise ValidationError({"weekday": _("Au plus %d plages par jour.") % MAX_RANGES_PER_DAY})
    _forget_calendar()
    return OpeningRange.objects.create(weekday=weekday, opens_at=opens_at, closes_at=closes_at)


@transaction.atomic
def opening_range_delete(*, by: User, range_id: int) -> None:
    """A manager removes a range (already removed: nothing to do)."""
    _require(perms.can_manage_opening_hours(by))
    OpeningRange.objects.filter(pk=range_id).delete()
    _forget_calendar()


@transaction.atomic
def closure_add(*, by: User, starts_on: date, ends_on: date, reason: str) -> Closure:
    """A manager records a closure, both days included. The same closure recorded twice is one.
    Raises PermissionDenied (not a manager), ValidationError (no reason, ends before it starts,
    longer than a year)."""
    _require(perms.can_manage_opening_hours(by))
    reason = reason.strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Indiquez le motif de la fermeture.")
    if ends_on < starts_on:
        errors["ends_on"] = _("La fin de la fermeture doit suivre son début.")
    elif (ends_on - starts_on).days >= MAX_CLOSURE_DAYS:
        errors["ends_on"] = _("Une fermeture dure au plus un an.")
    if errors:
        raise ValidationError(errors)
    closure, _created = Closure.objects.get_or_create(
        starts_on=starts_on, ends_on=ends_on, reason=reason, defaults={"created_by": by}
    )
    _forget_calendar()
    return closure


@transaction.atomic
def closure_delete(*, by: User, closure_id: int) -> None:
    """A manager removes a closure (already removed: nothing to do)."""
    _require(perms.can_manage_opening_hours(by))
    Closure.objects.filter(pk=closure_id).delete()
    _forget_calendar()
