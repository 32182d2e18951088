"""The figures of trainings, public-health campaigns, therapeutic patient education (ETP) and
residents, in one statement (one-row aggregates side by side, as `pathway_figures.py`).

- Trainings held: status "held", started in the period (Paris days). Professionals trained:
  distinct email addresses of the registrations marked present at those trainings. Training
  hours: the certified hours of those trainings, summed; trainee-hours: the same hours counted
  once per attendee.
- Campaigns active: their dates overlap the period. People reached, screenings done, referrals
  generated: sums over the campaign actions held in the period.
- ETP sessions held in the period and the patients who took part (a sum of counts: a patient
  coming to two sessions counts twice). Patients and screenings describe patients: masked below
  the small-count threshold for ARS/CPAM readers like every patient figure.
- Residents hosted: placements whose dates overlap the period.

The specialty filter reaches the training's, the campaign's and the ETP programme's specialty;
the other filters (requester type, patient's place) describe referrals and do not apply here.
"""

from datetime import datetime

from django.db.models import Count, DecimalField, QuerySet, Sum
from django.db.models.functions import Coalesce

from events.models import CampaignAction, EtpSession, Placement, Registration, RegistrationStatus
from events.selectors.figures import campaigns_active, trainings_held
from projet_sante.indicators.expressions import one_row, side_by_side
from projet_sante.indicators.periods import Filters, Period


def _sum(field: str, *, decimal: bool = False):
    if decimal:
        return Coalesce(Sum(field), 0, output_field=DecimalField(max_digits=12, decimal_places=1))
    return Coalesce(Sum(field), 0)


def _parts(period: Period, filters: Filters) -> list[QuerySet]:
    specialty = filters.specialty
    trainings = trainings_held(period.start, period.end, specialty=specialty)
    attendees = Registration.objects.filter(
        training__in=trainings.values("pk"), status=RegistrationStatus.CONFIRMED, attended=True
    )
    actions = CampaignAction.objects.filter(held_on__gte=period.first, held_on__lte=period.last)
    sessions = EtpSession.objects.filter(held_on__gte=period.first, held_on__lte=period.last)
    if specialty:
        actions = actions.filter(campaign__specialty__code=specialty)
        sessions = sessions.filter(programme__specialty__code=specialty)
    placements = Placement.objects.filter(starts_on__lte=period.last, ends_on__gte=period.first)
    return [
        one_row(
            trainings,
            trainings_held=Count("pk"),
            training_hours=_sum("hours", decimal=True),
        ),
        one_row(
            attendees,
            professionals=Count("email", distinct=True),
            trainee_hours=_sum("training__hours", decimal=True),
        ),
        one_row(
            campaigns_active(period.first, period.last, specialty=specialty), campaigns=Count("pk")
        ),
        one_row(
            actions,
            people_reached=_sum("people_reached"),
            screenings=_sum("screenings_done"),
            referrals=_sum("referrals_generated"),
        ),
        one_row(sessions, etp_sessions=Count("pk"), etp_patients=_sum("patients_count")),
        one_row(placements, residents=Count("pk")),
    ]


def _count(value) -> dict:
    return {"value": value, "n": value}


def event_figures(period: Period, filters: Filters, now: datetime) -> dict:
    """{code: {"value", "n"}} for `registry.EVENTS_AND_TRAINING`. Hours are floats (JSON)."""
    row = side_by_side(_parts(period, filters))
    held = row["trainings_held"]
    return {
        "trainings_held": _count(held),
        "professionals_trained": _count(row["professionals"]),
        "training_hours": {"value": float(row["training_hours"]), "n": held},
        "trainee_hours": {"value": float(row["trainee_hours"]), "n": row["professionals"]},
        "campaigns_active": _count(row["campaigns"]),
        "campaign_people_reached": _count(row["people_reached"]),
        "campaign_screenings": _count(row["screenings"]),
        "campaign_referrals": _count(row["referrals"]),
        "etp_sessions_held": _count(row["etp_sessions"]),
        "etp_patients": _count(row["etp_patients"]),
        "residents_hosted": _count(row["residents"]),
    }
