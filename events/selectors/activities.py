"""Reads of the ESS's activities beyond cases: ETP programmes and their sessions, residents'
supervisors, their offers of places and the placements. Who reads what is
`events.permissions`; lists run a fixed number of queries."""

from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from events import permissions as perms
from events.models import (
    EtpProgramme,
    EtpSession,
    Placement,
    ResidentSupervisor,
    TrainingPlace,
)
from members.models import User


# ---------------------------------------------------------------------------------------------
# ETP
# ---------------------------------------------------------------------------------------------
def etp_programmes_visible_to(user) -> QuerySet[EtpProgramme]:
    """The only definition of who sees which ETP programme: all of them for the management,
    the coordination and the specialists; none for anyone else."""
    if not perms.can_view_activities(user):
        return EtpProgramme.objects.none()
    return EtpProgramme.objects.all()


def etp_programme_get_for_user(user, public_id) -> EtpProgramme:
    return get_object_or_404(
        etp_programmes_visible_to(user).select_related("specialty", "coordinator"),
        public_id=public_id,
    )


def etp_session_get_for_user(user, public_id) -> EtpSession:
    return get_object_or_404(
        EtpSession.objects.filter(programme__in=etp_programmes_visible_to(user)).select_related(
            "programme"
        ),
        public_id=public_id,
    )


def etp_programme_list(user, *, year: int) -> QuerySet[EtpProgramme]:
    """The programmes, running ones first, each with its sessions (`session_count`) and the
    patients who took part (`patients_total`) in `year`."""
    in_year = Q(sessions__held_on__year=year)
    return (
        etp_programmes_visible_to(user)
        .select_related("specialty", "coordinator")
        .annotate(
            session_count=Count("sessions", filter=in_year),
            patients_total=Coalesce(
                Sum("sessions__patients_count", filter=in_year), 0, output_field=IntegerField()
            ),
        )
        .order_by("-is_active", "title", "pk")
    )


def etp_sessions_of(programme: EtpProgramme) -> QuerySet[EtpSession]:
    """A programme's sessions, the latest first, with their facilitators."""
    return (
        programme.sessions.prefetch_related(
            Prefetch("facilitators", User.objects.order_by("last_name", "first_name"))
        )
        .select_related("recorded_by")
        .order_by("-held_on", "-pk")
    )


# ---------------------------------------------------------------------------------------------
# Residents
# ---------------------------------------------------------------------------------------------
def supervisors_visible_to(user) -> QuerySet[ResidentSupervisor]:
    """The only definition of who sees the supervisors, their offers and placements: the
    management, the coordination and the specialists."""
    if not perms.can_view_activities(user):
        return ResidentSupervisor.objects.none()
    return ResidentSupervisor.objects.all()


def supervision_of(user) -> ResidentSupervisor | None:
    """The caller's own supervision, if they are a registered supervisor."""
    if not (user and user.is_authenticated):
        return None
    return ResidentSupervisor.objects.filter(member=user).first()


def supervisors_overview(user, *, year: int) -> QuerySet[ResidentSupervisor]:
    """Every supervisor with their offers of `year` (`year_places`, by semester) and each offer's
    placements."""
    places = (
        TrainingPlace.objects.filter(year=year)
        .annotate(placed=Count("placements"))
        .prefetch_related(Prefetch("placements", Placement.objects.order_by("starts_on", "pk")))
        .order_by("season", "pk")
    )
    return (
        supervisors_visible_to(user)
        .select_related("member")
        .prefetch_related(Prefetch("places", places, to_attr="year_places"))
        .order_by("member__last_name", "member__first_name", "pk")
    )


def training_places_visible_to(user) -> QuerySet[TrainingPlace]:
    return TrainingPlace.objects.filter(supervisor__in=supervisors_visible_to(user))


def training_place_get_for_user(user, public_id) -> TrainingPlace:
    return get_object_or_404(
        training_places_visible_to(user)
        .select_related("supervisor__member")
        .annotate(placed=Count("placements")),
        public_id=public_id,
    )


def supervisor_get_for_user(user, public_id) -> ResidentSupervisor:
    return get_object_or_404(
        supervisors_visible_to(user).select_related("member"), public_id=public_id
    )


def placement_get_for_user(user, public_id) -> Placement:
    return get_object_or_404(
        Placement.objects.filter(place__in=training_places_visible_to(user)).select_related(
            "place__supervisor__member"
        ),
        public_id=public_id,
    )


def offer_years(user, *, around: int) -> list[int]:
    """The years the residents' page offers: those with offers, and `around` with its next."""
    years = set(training_places_visible_to(user).values_list("year", flat=True).distinct())
    return sorted(years | {around, around + 1}, reverse=True)
