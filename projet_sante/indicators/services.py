"""Writes for indicators: targets set in the health project, quarterly snapshots.

A closed quarter's figures are computed once and frozen in an `IndicatorSnapshot`: by beat when
the quarter ends (`indicator_snapshot_previous_quarter`), by `manage.py snapshot_indicators`,
and otherwise on the first read of the quarter (`selectors.indicators_for`); quarters a trend
needs and finds without one are queued (`indicator_snapshots_queue`)."""

from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ess.money import check_fits
from ess.outbox import enqueue_on_commit
from ess.permissions import require
from members.models import User
from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.models import Comparison, IndicatorSnapshot, IndicatorTarget
from projet_sante.indicators.periods import Filters, Period, previous_quarter
from projet_sante.indicators.permissions import can_edit_indicator_targets
from projet_sante.indicators.registry import BY_CODE, Unit


@transaction.atomic
def indicator_target_set(
    *, code: str, value: Decimal | None, comparison: str, note: str = "", by: User
) -> IndicatorTarget | None:
    """Set (or, with `value` None, remove) the target of one indicator.

    Raises PermissionDenied (not a manager) or ValidationError (unknown indicator, a
    distribution, a percentage outside 0-100, a value too large to store, an unknown
    comparison)."""
    require(can_edit_indicator_targets(by))
    ind = BY_CODE.get(code)
    if ind is None or ind.unit == Unit.DISTRIBUTION:
        raise ValidationError({"code": _("Cet indicateur ne peut pas recevoir d'objectif.")})
    if value is None:
        IndicatorTarget.objects.filter(code=code).delete()
        return None
    if comparison not in Comparison.values:
        raise ValidationError({"comparison": _("Choisissez « au moins » ou « au plus ».")})
    if value < 0 or (ind.unit == Unit.PERCENT and value > 100):
        raise ValidationError({"value": _("Un pourcentage est compris entre 0 et 100.")})
    check_fits(
        value, "value", max_digits=10, decimal_places=1, message=_("Cette valeur est trop élevée.")
    )
    target, _created = IndicatorTarget.objects.update_or_create(
        code=code,
        defaults={
            "value": value,
            "comparison": comparison,
            "note": note.strip()[:300],
            "updated_by": by,
        },
    )
    return target


def indicator_snapshot_take(*, period: Period, filters: Filters | None = None) -> IndicatorSnapshot:
    """Freeze the figures of an ended quarter. Idempotent: an existing snapshot is returned
    untouched."""
    filters = filters or Filters()
    existing = IndicatorSnapshot.objects.filter(
        period_key=period.key, filters_key=filters.key
    ).first()
    return existing or indicator_snapshot_make(period=period, filters=filters)


def indicator_snapshot_make(*, period: Period, filters: Filters) -> IndicatorSnapshot:
    """Compute and store the snapshot of an ended quarter the caller found missing.

    One statement, no savepoint: INSERT … ON CONFLICT DO UPDATE of the key with itself, so that
    when two readers race the row stays the first one's and both get its id (the second
    returns the figures it computed at the same moment)."""
    if period.kind != "quarter" or not period.is_past():
        raise ValidationError(_("Seul un trimestre terminé peut être figé."))
    snapshot = IndicatorSnapshot(
        period_key=period.key, filters_key=filters.key, values=indicators_compute(period, filters)
    )
    IndicatorSnapshot.objects.bulk_create(
        [snapshot],
        update_conflicts=True,
        unique_fields=["period_key", "filters_key"],
        update_fields=["period_key"],
    )
    return snapshot


SNAPSHOT_QUEUED_SECONDS = 600


def indicator_snapshots_queue(periods: list[Period], filters: Filters | None = None) -> None:
    """Freeze these ended quarters in the background (after commit; idempotent). Each is queued
    once per SNAPSHOT_QUEUED_SECONDS, however many pages ask before the worker is done."""
    filters = filters or Filters()
    for period in periods:
        marker = f"indicator-snapshot-queued:{period.key}:{filters.key}"
        if cache.add(marker, True, timeout=SNAPSHOT_QUEUED_SECONDS):
            enqueue_on_commit("projet_sante.tasks.snapshot_indicators", period.key, filters.key)


def indicator_snapshot_previous_quarter() -> IndicatorSnapshot:
    """Beat, first days of each quarter: the unfiltered snapshot of the quarter just ended."""
    return indicator_snapshot_take(period=previous_quarter())
