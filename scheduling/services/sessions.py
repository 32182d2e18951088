"""Writes on advanced-consultation sessions: the rota, a specialist for a session, publishing,
cancelling, and the appointments booked into them.

A session takes an appointment for a holder (a referral, by id) without knowing what the holder
is: whoever books checks that on their side, after locking its own row first (the lock order is
in scheduling/services/__init__.py)."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind
from ess.notifications import notify
from ess.roles import Role
from members.models import User
from scheduling import permissions as perms
from scheduling.models import Appointment, ConsultationPlan, ConsultationSession, SessionStatus
from scheduling.rota import Availability, SessionSlot, fair_assignment
from scheduling.services.common import (
    SessionFull,
    consultations_url,
    release_place,
    run_refusal,
)
from scheduling.services.common import require as _require
from scheduling.services.common import starts as _when


def _slot(session: ConsultationSession) -> SessionSlot:
    return SessionSlot(session.pk, session.starts_at, session.ends_at)


@dataclass
class RotaResult:
    assigned: int
    unassigned: list  # sessions nobody can run: shown as warnings


@transaction.atomic
def rota_propose(*, by, plan_id: int) -> RotaResult:
    """The platform proposes who runs each draft session to come of the plan: balanced counts
    per volunteer (published sessions of the plan count, they are not moved), never an absent
    or busy volunteer (other sessions anywhere, published availability slots). A session nobody
    can run stays unassigned and is returned as a warning."""
    _require(perms.can_manage_consultations(by))
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan_id)
    volunteers = _runners(plan)
    drafts = list(
        plan.sessions.select_for_update()
        .filter(status=SessionStatus.DRAFT, starts_at__gt=timezone.now())
        .order_by("starts_at")
    )
    if not drafts:
        return RotaResult(0, [])
    fixed = {}
    for specialist_id in plan.sessions.filter(status=SessionStatus.PUBLISHED).values_list(
        "specialist_id", flat=True
    ):
        fixed[specialist_id] = fixed.get(specialist_id, 0) + 1
    availability = Availability(
        volunteers,
        drafts[0].starts_at,
        drafts[-1].ends_at,
        exclude_sessions=[s.pk for s in drafts],
    )
    assignment = fair_assignment(
        [_slot(s) for s in drafts], volunteers, availability.available, fixed_loads=fixed
    )
    # Clear first, then assign: no transient overlap for the exclusion constraint.
    ConsultationSession.objects.filter(pk__in=[s.pk for s in drafts]).update(specialist=None)
    unassigned = []
    for session in drafts:
        session.specialist_id = assignment[session.pk]
        if session.specialist_id is None:
            unassigned.append(session)
    ConsultationSession.objects.bulk_update([s for s in drafts if s.specialist_id], ["specialist"])
    return RotaResult(len(drafts) - len(unassigned), unassigned)


def _runners(plan: ConsultationPlan) -> list[int]:
    """The plan's volunteers who may run its sessions today: a paramedic volunteer of a
    nurse-led consultation drops out when the protocol's convention is no longer in force or
    they are no longer among its delegates."""
    volunteers = list(plan.volunteers.prefetch_related("role_grants"))
    if plan.protocol_id is None:
        return sorted(v.pk for v in volunteers)
    return sorted(
        v.pk
        for v in volunteers
        if Role.PARAMEDIC not in v.roles
        or Role.SPECIALIST in v.roles
        or not run_refusal(v, specialty_id=plan.specialty_id, protocol=plan.protocol)
    )


def specialist_conflict(specialist: User, session: ConsultationSession) -> str:
    """Why `specialist` cannot run `session` ("" when they can), in French."""
    availability = Availability(
        [specialist.pk], session.starts_at, session.ends_at, exclude_sessions=[session.pk]
    )
    return availability.conflict(specialist.pk, _slot(session))


def check_can_run(specialist: User, session: ConsultationSession, *, field_name: str) -> None:
    """`specialist` (a specialist of the session's specialty, or a delegate of its plan's
    protocol in force) is free then; else a ValidationError on `field_name`."""
    protocol = session.plan.protocol if session.plan_id else None
    refusal = run_refusal(
        specialist, specialty_id=session.specialty_id, protocol=protocol, where="session"
    )
    if refusal:
        raise ValidationError({field_name: refusal})
    why = specialist_conflict(specialist, session)
    if why:
        raise ValidationError(
            {
                field_name: _("%(who)s n'est pas disponible le %(when)s : %(why)s.")
                % {"who": specialist.display_name, "when": _when(session), "why": why}
            }
        )


def save_specialist(session: ConsultationSession, field_name: str) -> None:
    # Opening the places to the SAS is the choice of whoever runs the session: a new specialist
    # makes it again.
    session.sas_open = False
    try:
        with transaction.atomic():
            session.save(update_fields=["specialist", "sas_open"])
    except IntegrityError:  # the PostgreSQL exclusion constraint: a concurrent assignment
        raise ValidationError(
            {field_name: _("Ce spécialiste a déjà une consultation à ce moment-là.")}
        ) from None


@transaction.atomic
def session_assign(*, by, session_id: int, specialist: User) -> ConsultationSession:
    """The manager adjusts the rota: another specialist for a draft session (same constraints
    as the proposal). Raises PermissionDenied, TransitionNotAllowed (not a draft),
    ValidationError (specialty, absent, busy)."""
    _require(perms.can_manage_consultations(by))
    session = ConsultationSession.objects.select_for_update().get(pk=session_id)
    if session.status != SessionStatus.DRAFT:
        raise TransitionNotAllowed(
            _(
                "La consultation du %(when)s est « %(status)s » : on ne change plus son "
                "spécialiste ici (passez par un échange)."
            )
            % {"when": _when(session), "status": session.get_status_display()}
        )
    if session.specialist_id == specialist.pk:
        return session
    check_can_run(specialist, session, field_name="specialist")
    session.specialist = specialist
    save_specialist(session, "specialist")
    return session


@transaction.atomic
def sessions_publish(*, by, plan_id: int) -> tuple[int, int]:
    """Publish the plan's draft sessions that have a specialist (draft → published); sessions
    still without one stay drafts. Each specialist is told once. Returns (published, left)."""
    _require(perms.can_manage_consultations(by))
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan_id)
    drafts = plan.sessions.select_for_update().filter(status=SessionStatus.DRAFT)
    ready = [s for s in drafts if s.specialist_id and s.can_become(SessionStatus.PUBLISHED)]
    left = drafts.count() - len(ready)
    ConsultationSession.objects.filter(pk__in=[s.pk for s in ready]).update(
        status=SessionStatus.PUBLISHED
    )
    notify(
        recipients=User.objects.filter(pk__in={s.specialist_id for s in ready}),
        kind=NotificationKind.CONSULTATION,
        title=lambda: _("Consultations avancées publiées : %(site)s") % {"site": plan.site.name},
        url=consultations_url(),
        actor=by,
    )
    return len(ready), left


@transaction.atomic
def session_cancel(*, by, session_id: int) -> ConsultationSession:
    """A manager cancels a session nobody is booked into (ValidationError otherwise)."""
    _require(perms.can_manage_consultations(by))
    session = workflow.locked(ConsultationSession, session_id)
    if session.status == SessionStatus.CANCELLED:
        return session
    if session.appointments.exists():
        raise ValidationError(
            _("Des patients ont rendez-vous à cette consultation : déplacez-les d'abord.")
        )
    workflow.transition(session, to=SessionStatus.CANCELLED, by=by, history=False)
    session.save(update_fields=["status"])
    if session.specialist_id:
        notify(
            recipients=[session.specialist],
            kind=NotificationKind.CONSULTATION,
            title=lambda: (
                _("Consultation avancée annulée : %(site)s, %(when)s")
                % {"site": session.site.name, "when": _when(session)}
            ),
            url=consultations_url(),
            actor=by,
        )
    return session


@transaction.atomic
def session_sas_set(*, by, session_id: int, sas_open: bool) -> ConsultationSession:
    """The specialist who runs a session opens its free places to the SAS, or closes them.
    Places already booked stay booked. Raises PermissionDenied (not their session),
    TransitionNotAllowed (cancelled)."""
    session = ConsultationSession.objects.select_for_update().get(pk=session_id)
    _require(perms.can_open_session_to_sas(by, session))
    if session.status == SessionStatus.CANCELLED:
        raise TransitionNotAllowed(_("Cette consultation est annulée."))
    if session.sas_open != sas_open:
        session.sas_open = sas_open
        session.save(update_fields=["sas_open"])
    return session


# ---------------------------------------------------------------------------------------------
# Appointments
# ---------------------------------------------------------------------------------------------
def session_location(session: ConsultationSession) -> str:
    site = session.site
    return f"{site.name}, {site.address}, {site.commune.name}"[:200]


def appointment_reserve(*, by, session_id: int, referral_id: int, specialty_id: int) -> Appointment:
    """Take the first free appointment of a published session to come for `referral_id`.

    Runs inside the caller's transaction, which has already locked the referral's row: the
    session's row is locked here, second, so concurrent bookings of its last places are served
    one after the other (the unique (session, position) is the database's backstop). The caller
    checks who may book and whether the referral may be booked, and that it holds no other
    appointment.

    Raises TransitionNotAllowed (session not published or past), ValidationError (another
    specialty, or a nurse-led consultation: a referral asks for a specialist), SessionFull."""
    session = (
        ConsultationSession.objects.select_for_update()
        .select_related("site__commune")
        .get(pk=session_id)
    )
    if session.status != SessionStatus.PUBLISHED or session.starts_at <= timezone.now():
        raise TransitionNotAllowed(
            _("La consultation du %(when)s n'est pas ouverte à la réservation.")
            % {"when": _when(session)}
        )
    if session.specialty_id != specialty_id:
        raise ValidationError(_("Cette consultation est celle d'une autre spécialité."))
    if ConsultationPlan.objects.filter(pk=session.plan_id, protocol__isnull=False).exists():
        raise ValidationError(
            _(
                "Cette consultation est une consultation infirmière sous protocole : on n'y "
                "réserve pas une demande d'avis spécialisé."
            )
        )
    taken = set(session.appointments.values_list("position", flat=True))
    free = [p for p in range(session.capacity) if p not in taken]
    if not free:
        raise SessionFull(
            _("La consultation du %(when)s est complète : choisissez-en une autre.")
            % {"when": _when(session)}
        )
    position = free[0]
    return Appointment.objects.create(
        session=session,
        referral_id=referral_id,
        position=position,
        starts_at=session.starts_at + timedelta(minutes=position * session.slot_minutes),
        booked_by=by,
    )


def appointment_release_for_referral(*, referral_id: int) -> bool:
    """Free the session place a referral held (it was declined, cancelled or reoriented).
    Runs inside the caller's transaction, after the referral's row lock; returns whether a place
    was freed."""
    released = release_place(
        Appointment, ConsultationSession, "session_id", referral_id=referral_id
    )
    return released is not None
