"""What the health project's reports and the newsletter read of trainings and campaigns: the
trainings held and the campaigns of a period with their counts, the campaigns' totals, the
trainings to come with their places left. Counts only: no registrant's name leaves here.

Each function is one query whatever the number of rows."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from events.models import (
    Campaign,
    CampaignAction,
    RegistrationStatus,
    Training,
    TrainingStatus,
)

ATTENDED = Q(registrations__status=RegistrationStatus.CONFIRMED, registrations__attended=True)


def trainings_held(start: datetime, end: datetime, *, specialty: str = "") -> QuerySet[Training]:
    """Trainings held that started in [start, end)."""
    trainings = Training.objects.filter(
        status=TrainingStatus.HELD, starts_at__gte=start, starts_at__lt=end
    )
    if specialty:
        trainings = trainings.filter(specialty__code=specialty)
    return trainings


def training_rows(start: datetime, end: datetime) -> list[Training]:
    """The trainings held in [start, end), first first, each with `attendees` (registrations
    marked present)."""
    return list(
        trainings_held(start, end)
        .annotate(attendees=Count("registrations", filter=ATTENDED))
        .order_by("starts_at", "pk")
    )


def campaigns_active(first: date, last: date, *, specialty: str = "") -> QuerySet[Campaign]:
    """Campaigns whose dates overlap [first, last] (days, inclusive)."""
    campaigns = Campaign.objects.filter(starts_on__lte=last, ends_on__gte=first)
    if specialty:
        campaigns = campaigns.filter(specialty__code=specialty)
    return campaigns


def _action_sums(prefix: str = "", condition: Q | None = None) -> dict:
    def total(field: str):
        return Coalesce(Sum(f"{prefix}{field}", filter=condition), 0)

    return {
        "actions_count": Count(f"{prefix}pk" if prefix else "pk", filter=condition),
        "people_reached": total("people_reached"),
        "screenings_done": total("screenings_done"),
        "referrals_generated": total("referrals_generated"),
    }


def campaign_rows(first: date, last: date) -> list[Campaign]:
    """The campaigns active during [first, last], the earliest first, each with the counts of
    its actions held in those days (`actions_count`, `people_reached`, `screenings_done`,
    `referrals_generated`)."""
    in_period = Q(actions__held_on__gte=first, actions__held_on__lte=last)
    return list(
        campaigns_active(first, last)
        .annotate(**_action_sums("actions__", in_period))
        .order_by("starts_on", "pk")
    )


def campaign_totals(campaign_ids: Iterable[int]) -> dict[int, dict]:
    """{campaign id: {"actions_count", "people_reached", "screenings_done",
    "referrals_generated"}}: every action of each campaign, whatever its date."""
    rows = (
        CampaignAction.objects.filter(campaign_id__in=list(campaign_ids))
        .order_by()
        .values("campaign_id")
        .annotate(**_action_sums())
    )
    return {row.pop("campaign_id"): row for row in rows}


def upcoming_trainings(now: datetime, *, limit: int = 10) -> list[Training]:
    """Published trainings still to start, soonest first, with `places_left` (capacity less the
    confirmed registrations, never below zero): 0 means a registration goes on the waiting
    list."""
    confirmed = Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED))
    return list(
        Training.objects.filter(status=TrainingStatus.PUBLISHED, starts_at__gt=now)
        .annotate(
            places_left=Greatest(F("capacity") - confirmed, Value(0), output_field=IntegerField())
        )
        .order_by("starts_at", "pk")[:limit]
    )
