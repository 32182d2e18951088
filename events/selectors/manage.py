"""Reads of the trainings' management side: the list with its counts, a training as its
managers and speakers reach it, the people who may speak, a registration's certificate."""

from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from ess.roles import Role
from events import permissions as perms
from events.models import Registration, RegistrationStatus, Training, TrainingStatus
from members.models import Membership, MembershipStatus, User


def _counted(trainings: QuerySet[Training]) -> QuerySet[Training]:
    """Each training with its registrations counted by status (`confirmed_count`,
    `waitlisted_count`, `pending_count`), in the same query."""

    def count(status):
        return Count("registrations", filter=Q(registrations__status=status))

    return trainings.annotate(
        confirmed_count=count(RegistrationStatus.CONFIRMED),
        waitlisted_count=count(RegistrationStatus.WAITLISTED),
        pending_count=count(RegistrationStatus.PENDING),
    )


def trainings_managed_by(user) -> QuerySet[Training]:
    """The only definition of who manages which training: every one, drafts included, for the
    management and the coordination; none for anyone else."""
    if not perms.can_manage_events(user):
        return Training.objects.none()
    return Training.objects.all()


def trainings_for_management(user) -> QuerySet[Training]:
    """The management's list, the most recent first, with counts, in a constant number of
    queries (speakers prefetched)."""
    return (
        _counted(trainings_managed_by(user))
        .select_related("specialty", "organiser")
        .prefetch_related("speakers")
        .order_by("-starts_at", "-pk")
    )


def training_get_for_manager(user, public_id: UUID) -> Training:
    """404 for a training that does not exist and for someone who does not manage it alike."""
    return get_object_or_404(
        trainings_managed_by(user).prefetch_related("speakers", "partners"), public_id=public_id
    )


def trainings_attended_by(user) -> QuerySet[Training]:
    """The trainings whose attendance `user` takes: all for the management, those they speak
    at for the speakers."""
    if perms.can_manage_events(user):
        return Training.objects.all()
    if not (user and user.is_authenticated):
        return Training.objects.none()
    return Training.objects.filter(speakers=user)


def trainings_spoken_at(user) -> QuerySet[Training]:
    """The published or held trainings `user` speaks at, the latest first: where they take the
    attendance."""
    if not (user and user.is_authenticated):
        return Training.objects.none()
    return Training.objects.filter(
        speakers=user, status__in=(TrainingStatus.PUBLISHED, TrainingStatus.HELD)
    ).order_by("-starts_at", "-pk")


def training_get_for_attendance(user, public_id: UUID) -> Training:
    return get_object_or_404(
        trainings_attended_by(user).select_related("organiser").prefetch_related("speakers"),
        public_id=public_id,
    )


def confirmed_registrations(training: Training) -> list[Registration]:
    """Who holds a place, in alphabetical order (the attendance list and its printed sheet)."""
    return list(
        training.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by(
            "last_name", "first_name", "pk"
        )
    )


def speakers_who_may_be_chosen() -> QuerySet[User]:
    """Who may speak at a training: active members of the ESS and its specialists."""
    active_member = Membership.objects.filter(user=OuterRef("pk"), status=MembershipStatus.ACTIVE)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role_grants__role=Role.SPECIALIST) | Exists(active_member))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def registration_for_certificate(public_id: UUID) -> Registration:
    """A registration whose certificate may be printed (confirmed, marked present), with its
    training, speakers and organiser; 404 otherwise, whether it exists or not."""
    registration = get_object_or_404(
        Registration.objects.select_related("training__organiser", "user").prefetch_related(
            "training__speakers"
        ),
        public_id=public_id,
    )
    if not perms.can_download_certificate(None, registration):
        raise Http404
    return registration
