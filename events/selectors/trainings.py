"""Reads of trainings and registrations for their public pages: who sees which training, the
upcoming ones with their places left, the campaigns under way, a person's registrations.

Published (and held) trainings are public; drafts and cancelled ones are the business of those
who run the ESS's events (`can_manage_events`). A registration is reached by its unguessable
`public_id` (the secret of the links the emails carry), or by its signed-in owner."""

from datetime import date
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.models import (
    Campaign,
    Registration,
    RegistrationStatus,
    Training,
    TrainingKind,
    TrainingStatus,
)
from events.permissions import can_manage_events
from members.models import Profession

PUBLIC_STATUSES = (TrainingStatus.PUBLISHED, TrainingStatus.HELD)
_CONFIRMED = Q(registrations__status=RegistrationStatus.CONFIRMED)


def trainings_visible_to(user) -> QuerySet[Training]:
    """The only definition of who sees which training."""
    if can_manage_events(user):
        return Training.objects.all()
    return Training.objects.filter(status__in=PUBLIC_STATUSES)


def training_get_for_user(user, public_id: UUID) -> Training:
    """The training's page: 404 for what does not exist and what the user may not see alike."""
    queryset = (
        trainings_visible_to(user)
        .select_related("specialty")
        .annotate(confirmed=Count("registrations", filter=_CONFIRMED))
        .prefetch_related("speakers", "partners")
    )
    return get_object_or_404(queryset, public_id=public_id)


def places_left(training: Training) -> int:
    """Places still free (`confirmed` annotated by the selectors above)."""
    return max(training.capacity - training.confirmed, 0)


def profession_labels(training: Training) -> list[str]:
    labels = dict(Profession.choices)
    return [str(labels.get(code, code)) for code in training.target_professions]


def upcoming_trainings(*, specialty_id: int | None = None, kind: str = "") -> list[Training]:
    """Published trainings not started yet, soonest first, each with `confirmed` (its confirmed
    registrations), `places_left` and `professions` (labels): one query."""
    queryset = (
        Training.objects.filter(status=TrainingStatus.PUBLISHED, starts_at__gt=timezone.now())
        .select_related("specialty")
        .annotate(confirmed=Count("registrations", filter=_CONFIRMED))
        .order_by("starts_at", "pk")
    )
    if specialty_id:
        queryset = queryset.filter(specialty_id=specialty_id)
    if kind in TrainingKind.values:
        queryset = queryset.filter(kind=kind)
    trainings = list(queryset)
    for training in trainings:
        training.places_left = places_left(training)
        training.professions = profession_labels(training)
    return trainings


def current_public_campaigns(today: date | None = None) -> QuerySet[Campaign]:
    """Public campaigns whose period covers today."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(
        is_public=True, starts_on__lte=today, ends_on__gte=today
    ).order_by("ends_on", "pk")


def registration_by_link(public_id: UUID) -> Registration:
    """The registration the link names, with its training: the `public_id` is the credential
    (404 when no registration has it)."""
    return get_object_or_404(
        Registration.objects.select_related("training__specialty"), public_id=public_id
    )


def registration_of_user(user, training: Training) -> Registration | None:
    """The signed-in user's active registration to the training, if any."""
    if not user.is_authenticated:
        return None
    return (
        training.registrations.filter(~Q(status=RegistrationStatus.CANCELLED))
        .filter(Q(user=user) | Q(email=user.email.lower()))
        .first()
    )


def registrations_of(user) -> QuerySet[Registration]:
    """The user's registrations (by account, or by their email before they signed in), latest
    trainings first."""
    return (
        Registration.objects.filter(Q(user=user) | Q(email=user.email.lower()))
        .select_related("training")
        .order_by("-training__starts_at", "-pk")
    )


def ical_trainings() -> QuerySet[Training]:
    """What the public calendar feed carries: published trainings not over yet."""
    return Training.objects.filter(
        status=TrainingStatus.PUBLISHED, ends_at__gte=timezone.now()
    ).order_by("starts_at", "pk")
