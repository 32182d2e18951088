"""Demo indicators: the health project's targets and the last four quarters, frozen; the last
closed quarter's activity report sent to the ARS."""

from datetime import timedelta

from django.utils import timezone

from partners.models import Partner
from projet_sante.indicators.models import IndicatorTarget, Transmission
from projet_sante.indicators.periods import current_quarter, previous_quarter
from projet_sante.indicators.services import indicator_snapshot_take
from projet_sante.indicators.transmissions import report_transmit

DEMO_TARGETS = [
    # (code, comparison, value, note)
    ("p1_within_due_pct", "gte", 90, "Projet de santé, axe 1 : urgences sous 24 h"),
    ("p2_within_due_pct", "gte", 80, "Projet de santé, axe 1 : 80 % des P2 sous 48 h"),
    ("triage_median_hours", "lte", 4, "Régulation dans la demi-journée"),
    ("closed_loop_pct", "gte", 85, "Retour d'information systématique au demandeur"),
    ("active_members", "gte", 12, "Montée en charge de l'équipe"),
    ("conventions_in_force", "gte", 3, ""),
]


def seed_indicators() -> int:
    """Targets of the demo health project and frozen snapshots of the last four quarters.
    Idempotent: existing targets and snapshots are left as they are."""
    # The demo's partners were just written; in the story they were recorded long ago (before
    # their conventions), which the past quarters' figures must reflect.
    now = timezone.now()
    Partner.objects.filter(created_at__gte=now - timedelta(days=1)).update(
        created_at=now - timedelta(days=800)
    )
    for code, comparison, value, note in DEMO_TARGETS:
        IndicatorTarget.objects.get_or_create(
            code=code, defaults={"comparison": comparison, "value": value, "note": note}
        )
    quarters = current_quarter().previous_quarters(5)[:-1]
    for quarter in quarters:
        indicator_snapshot_take(period=quarter)
    return len(quarters)


DEMO_TRANSMISSION_MESSAGE = (
    "Bonjour, voici le rapport d'activité du dernier trimestre, pour le prochain comité de "
    "suivi de l'ESS. Bien cordialement, la direction."
)


def seed_transmissions(users: dict) -> int:
    """The last closed quarter's activity report, sent by the demo's management to the ARS
    (its PDF rendered from the frozen snapshot, kept as sent; the ARS account is emailed).
    Idempotent: nothing if a transmission exists."""
    if not Transmission.objects.exists():
        report_transmit(
            kind="quarterly",
            key=previous_quarter().key,
            institutions=["ars"],
            message=DEMO_TRANSMISSION_MESSAGE,
            by=users["direction"],
        )
    return Transmission.objects.count()
