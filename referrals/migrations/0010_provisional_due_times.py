"""New requests not triaged yet get the due time of the urgency their requester asked for
(and its escalation time), counted by that priority's rule, as requests sent from now on."""

from django.conf import settings
from django.db import migrations

from referrals.deadlines import due_times
from scheduling import hours


def _calendar(apps) -> hours.OpeningCalendar:
    ranges = apps.get_model("scheduling", "OpeningRange").objects
    closures = apps.get_model("scheduling", "Closure").objects
    departements = apps.get_model("ess", "Departement").objects.filter(team__pk=1)
    return hours.calendar_from(
        ranges.values_list("weekday", "opens_at", "closes_at"),
        closures.values_list("starts_on", "ends_on", "reason"),
        departements.values_list("code", flat=True),
    )


def fill(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    calendar = _calendar(apps)
    untriaged = Referral.objects.filter(
        status__in=["submitted", "info_requested", "unconfirmed"],
        priority="",
        due_at__isnull=True,
    ).only("pk", "submitted_at", "urgency_requested")
    batch = []
    for referral in untriaged.iterator(chunk_size=500):
        if referral.urgency_requested not in settings.ESS_PRIORITY_DELAYS_HOURS:
            continue
        referral.due_at, referral.escalate_at = due_times(
            referral.submitted_at, referral.urgency_requested, calendar=calendar
        )
        batch.append(referral)
        if len(batch) == 500:
            Referral.objects.bulk_update(batch, ["due_at", "escalate_at"])
            batch = []
    Referral.objects.bulk_update(batch, ["due_at", "escalate_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0009_pending_attachments"),
        ("scheduling", "0005_opening_hours"),
        ("ess", "0014_audit_filter_indexes"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
