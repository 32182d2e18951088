"""Writes on advanced consultations: sites, plans, sessions and their rota, swaps, bookings of
referrals into sessions, calendar feeds. Same order as every service (docs/architecture.md):
atomic → lock → actor check (PermissionDenied) → rules (ValidationError 400 / TransitionNotAllowed
409) → write → notifications in the same transaction."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.models import NotificationKind
from ess.notifications import notify
from ess.roles import Role
from members.models import User
from referrals import permissions as perms
from referrals.consultations.rota import Availability, SessionSlot, fair_assignment
from referrals.models import (
    Appointment,
    CalendarFeed,
    ConsultationPlan,
    ConsultationSession,
    ConsultationSite,
    Referral,
    ResponseMode,
    SessionStatus,
    Status,
    SwapRequest,
    SwapStatus,
)
from referrals.notifications import referral_notify
from referrals.services import TransitionNotAllowed, _transition

MAX_SEASON_DAYS = 400


class SessionFull(TransitionNotAllowed):
    """Every appointment of the session is taken (HTTP 409)."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _when(session: ConsultationSession) -> str:
    return timezone.localtime(session.starts_at).strftime("%d/%m/%Y %H:%M")


def _managers():
    return User.objects.filter(role_grants__role=Role.MANAGER, is_active=True).distinct()


def _page_url() -> str:
    return reverse("referrals:consultations")


# ---------------------------------------------------------------------------------------------
# Sites
# ---------------------------------------------------------------------------------------------
@dataclass
class SiteInput:
    name: str
    commune: object
    address: str
    host: object = None
    convention: object = None
    rooms: str = ""
    accessibility: str = ""
    specialties: list = field(default_factory=list)
    underserved: bool = False
    active: bool = True


def _site_check(data: SiteInput) -> None:
    errors = {}
    if not data.name.strip():
        errors["name"] = _("Indiquez le nom du site.")
    if data.commune is None:
        errors["commune"] = _("Indiquez la commune du site.")
    if not data.address.strip():
        errors["address"] = _("Indiquez l'adresse du site.")
    if data.convention is not None:
        if data.host is None:
            errors["convention"] = _(
                "Une convention d'accueil suppose une structure d'accueil : choisissez-la."
            )
        elif not data.convention.parties.filter(pk=data.host.pk).exists():
            errors["convention"] = _(
                "Cette convention n'a pas été signée avec %(host)s : choisissez une convention "
                "de la structure d'accueil."
            ) % {"host": data.host.name}
    if not data.specialties:
        errors["specialties"] = _("Choisissez au moins une spécialité proposée sur ce site.")
    if errors:
        raise ValidationError(errors)


def _site_write(site: ConsultationSite, data: SiteInput) -> ConsultationSite:
    site.name = data.name.strip()
    site.commune = data.commune
    site.address = data.address.strip()
    site.host = data.host
    site.convention = data.convention
    site.rooms = data.rooms.strip()
    site.accessibility = data.accessibility.strip()
    site.underserved = data.underserved
    site.active = data.active
    site.save()
    site.specialties.set(data.specialties)
    return site


@transaction.atomic
def site_create(*, by, data: SiteInput) -> ConsultationSite:
    """A manager adds a site. Raises PermissionDenied, ValidationError (nothing written)."""
    _require(perms.can_manage_consultations(by))
    _site_check(data)
    return _site_write(ConsultationSite(), data)


@transaction.atomic
def site_update(*, by, site_id: int, data: SiteInput) -> ConsultationSite:
    """A manager edits a site (same checks as on creation)."""
    _require(perms.can_manage_consultations(by))
    site = ConsultationSite.objects.select_for_update().get(pk=site_id)
    _site_check(data)
    return _site_write(site, data)


# ---------------------------------------------------------------------------------------------
# Plans and sessions
# ---------------------------------------------------------------------------------------------
@dataclass
class PlanInput:
    specialty: object
    weekday: int
    start_time: time
    end_time: time
    season_start: date
    season_end: date
    capacity: int
    slot_minutes: int
    volunteers: list = field(default_factory=list)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _plan_check(site: ConsultationSite, data: PlanInput) -> None:
    errors = {}
    if data.specialty is None or not site.specialties.filter(pk=data.specialty.pk).exists():
        errors["specialty"] = _("Cette spécialité n'est pas proposée sur ce site.")
    if data.end_time <= data.start_time:
        errors["end_time"] = _("L'heure de fin doit suivre l'heure de début.")
    if data.season_end < data.season_start:
        errors["season_end"] = _("La fin de saison ne peut précéder son début.")
    elif (data.season_end - data.season_start).days > MAX_SEASON_DAYS:
        errors["season_end"] = _("Une saison dure au plus un an.")
    if data.capacity < 1:
        errors["capacity"] = _("Prévoyez au moins un rendez-vous.")
    if data.slot_minutes < 5:
        errors["slot_minutes"] = _("Un rendez-vous dure au moins 5 minutes.")
    span = _minutes(data.end_time) - _minutes(data.start_time)
    if "end_time" not in errors and data.capacity >= 1 and data.capacity * data.slot_minutes > span:
        errors["capacity"] = _(
            "%(n)d rendez-vous de %(m)d minutes (%(total)d min) ne tiennent pas entre "
            "%(start)s et %(end)s (%(span)d min)."
        ) % {
            "n": data.capacity,
            "m": data.slot_minutes,
            "total": data.capacity * data.slot_minutes,
            "start": data.start_time.strftime("%H:%M"),
            "end": data.end_time.strftime("%H:%M"),
            "span": span,
        }
    wrong = [
        v
        for v in data.volunteers
        if Role.SPECIALIST not in v.roles or v.specialty_id != getattr(data.specialty, "pk", None)
    ]
    if wrong:
        errors["volunteers"] = _("%(who)s n'exerce pas la spécialité de ce programme.") % {
            "who": wrong[0].display_name
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(*, by, site_id: int, data: PlanInput) -> ConsultationPlan:
    """A manager sets up a recurring session at a site for a season, with its draft sessions
    (one per week, in the same transaction).
    Raises PermissionDenied, ValidationError (times, capacity that does not fit, specialty not
    offered, volunteers of another specialty) — nothing written."""
    _require(perms.can_manage_consultations(by))
    site = ConsultationSite.objects.select_for_update().get(pk=site_id)
    _plan_check(site, data)
    plan = ConsultationPlan.objects.create(
        site=site,
        specialty=data.specialty,
        weekday=data.weekday,
        start_time=data.start_time,
        end_time=data.end_time,
        season_start=data.season_start,
        season_end=data.season_end,
        capacity=data.capacity,
        slot_minutes=data.slot_minutes,
    )
    plan.volunteers.set(data.volunteers)
    plan_generate_sessions(by=by, plan_id=plan.pk)
    return plan


@transaction.atomic
def plan_set_volunteers(*, by, plan_id: int, volunteers: list) -> ConsultationPlan:
    """The manager lists who volunteers for the plan's rota."""
    _require(perms.can_manage_consultations(by))
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan_id)
    wrong = [
        v
        for v in volunteers
        if Role.SPECIALIST not in v.roles or v.specialty_id != plan.specialty_id
    ]
    if wrong:
        raise ValidationError(
            {
                "volunteers": _("%(who)s n'exerce pas la spécialité de ce programme.")
                % {"who": wrong[0].display_name}
            }
        )
    plan.volunteers.set(volunteers)
    return plan


def plan_dates(plan: ConsultationPlan) -> list[date]:
    first = plan.season_start + timedelta(days=(plan.weekday - plan.season_start.weekday()) % 7)
    days = []
    day = first
    while day <= plan.season_end:
        days.append(day)
        day += timedelta(weeks=1)
    return days


@transaction.atomic
def plan_generate_sessions(*, by, plan_id: int) -> int:
    """Draft sessions for every week of the plan's season. Idempotent: dates that already have
    a session (unique (plan, date)) are skipped. Times are Paris wall-clock time on each date
    (DST-safe). Returns the number of sessions created."""
    _require(perms.can_manage_consultations(by))
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan_id)
    existing = set(plan.sessions.values_list("date", flat=True))
    new = [
        ConsultationSession(
            site_id=plan.site_id,
            plan=plan,
            specialty_id=plan.specialty_id,
            date=day,
            starts_at=timezone.make_aware(datetime.combine(day, plan.start_time)),
            ends_at=timezone.make_aware(datetime.combine(day, plan.end_time)),
            capacity=plan.capacity,
            slot_minutes=plan.slot_minutes,
        )
        for day in plan_dates(plan)
        if day not in existing
    ]
    ConsultationSession.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


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
    volunteers = sorted(plan.volunteers.values_list("pk", flat=True))
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


def specialist_conflict(specialist: User, session: ConsultationSession) -> str:
    """Why `specialist` cannot run `session` ("" when they can), in French."""
    availability = Availability(
        [specialist.pk], session.starts_at, session.ends_at, exclude_sessions=[session.pk]
    )
    return availability.conflict(specialist.pk, _slot(session))


def _check_can_run(specialist: User, session: ConsultationSession, *, field_name: str) -> None:
    if (
        Role.SPECIALIST not in specialist.roles
        or specialist.specialty_id != session.specialty_id
        or not specialist.is_active
    ):
        raise ValidationError(
            {
                field_name: _("%(who)s n'exerce pas la spécialité de cette consultation.")
                % {"who": specialist.display_name}
            }
        )
    why = specialist_conflict(specialist, session)
    if why:
        raise ValidationError(
            {
                field_name: _("%(who)s n'est pas disponible le %(when)s : %(why)s.")
                % {"who": specialist.display_name, "when": _when(session), "why": why}
            }
        )


def _save_specialist(session: ConsultationSession, field_name: str) -> None:
    try:
        with transaction.atomic():
            session.save(update_fields=["specialist"])
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
    _check_can_run(specialist, session, field_name="specialist")
    session.specialist = specialist
    _save_specialist(session, "specialist")
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
        title=_("Consultations avancées publiées : %(site)s") % {"site": plan.site.name},
        url=_page_url(),
        actor=by,
    )
    return len(ready), left


@transaction.atomic
def session_cancel(*, by, session_id: int) -> ConsultationSession:
    """A manager cancels a session nobody is booked into (ValidationError otherwise)."""
    _require(perms.can_manage_consultations(by))
    session = ConsultationSession.objects.select_for_update().get(pk=session_id)
    if session.status == SessionStatus.CANCELLED:
        return session
    if session.appointments.exists():
        raise ValidationError(
            _("Des patients ont rendez-vous à cette consultation : déplacez-les d'abord.")
        )
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    if session.specialist_id:
        notify(
            recipients=[session.specialist],
            kind=NotificationKind.CONSULTATION,
            title=_("Consultation avancée annulée : %(site)s, %(when)s")
            % {"site": session.site.name, "when": _when(session)},
            url=_page_url(),
            actor=by,
        )
    return session


# ---------------------------------------------------------------------------------------------
# Swaps
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def swap_request(*, by, session_id: int, replacement: User, reason: str = "") -> SwapRequest:
    """The session's specialist asks to hand it to a colleague (a volunteer of the plan or any
    specialist of the specialty). Managers are told. Raises PermissionDenied, TransitionNotAllowed
    (past or cancelled session, a request already pending), ValidationError (colleague)."""
    session = ConsultationSession.objects.select_for_update().get(pk=session_id)
    _require(perms.can_request_swap(by, session))
    if session.status == SessionStatus.CANCELLED or session.starts_at <= timezone.now():
        raise TransitionNotAllowed(_("Cette consultation est passée ou annulée."))
    if session.swap_requests.filter(status=SwapStatus.PENDING).exists():
        raise TransitionNotAllowed(_("Un échange est déjà demandé pour cette consultation."))
    if replacement.pk == by.pk:
        raise ValidationError({"replacement": _("Choisissez un ou une collègue.")})
    _check_can_run(replacement, session, field_name="replacement")
    swap = SwapRequest.objects.create(
        session=session, requested_by=by, replacement=replacement, reason=reason.strip()
    )
    notify(
        recipients=[*_managers(), replacement],
        kind=NotificationKind.CONSULTATION,
        title=_("Échange demandé : consultation avancée du %(when)s") % {"when": _when(session)},
        url=_page_url(),
        actor=by,
    )
    return swap


@transaction.atomic
def swap_decide(*, by, swap_id: int, approve: bool, note: str = "") -> SwapRequest:
    """A manager approves (constraints checked again: the colleague may have become busy) or
    refuses a swap. On approval the session and the referrals booked into it pass to the
    colleague. Both specialists are told. Deciding again the same way is a no-op."""
    _require(perms.can_decide_swap(by))
    swap = SwapRequest.objects.select_for_update().get(pk=swap_id)
    wanted = SwapStatus.APPROVED if approve else SwapStatus.REFUSED
    if swap.status == wanted:
        return swap
    if swap.status != SwapStatus.PENDING:
        raise TransitionNotAllowed(_("Cette demande d'échange a déjà été traitée."))
    session = ConsultationSession.objects.select_for_update().get(pk=swap.session_id)
    if approve:
        if session.specialist_id != swap.requested_by_id:
            raise TransitionNotAllowed(
                _("La consultation a changé de spécialiste entre-temps : refusez cette demande.")
            )
        replacement = User.objects.get(pk=swap.replacement_id)
        _check_can_run(replacement, session, field_name="replacement")
        session.specialist = replacement
        _save_specialist(session, "replacement")
        Referral.objects.filter(consultation_appointment__session=session).update(
            specialist=replacement, updated_at=timezone.now()
        )
    swap.status = wanted
    swap.decided_by = by
    swap.decided_at = timezone.now()
    swap.decision_note = note.strip()[:300]
    swap.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    verdict = _("accepté") if approve else _("refusé")
    notify(
        recipients=[swap.requested_by, swap.replacement],
        kind=NotificationKind.CONSULTATION,
        title=_("Échange %(verdict)s : consultation avancée du %(when)s")
        % {"verdict": verdict, "when": _when(session)},
        url=_page_url(),
        actor=by,
    )
    return swap


# ---------------------------------------------------------------------------------------------
# Booking referrals into sessions
# ---------------------------------------------------------------------------------------------
def session_location(session: ConsultationSession) -> str:
    site = session.site
    return f"{site.name}, {site.address}, {site.commune.name}"[:200]


@transaction.atomic
def session_book(*, by, session_id: int, referral_id: int) -> Appointment:
    """A coordinator books a referral into a published session to come.

    The session's row is locked, so concurrent bookings of its last places are served one after
    the other (the unique (session, position) is the database's backstop). The referral, locked
    too, becomes `scheduled` through the transition table: the session's specialist holds
    it, with the appointment time (the first free appointment) and place. Booking the same
    referral into the same session again is a no-op.

    Raises PermissionDenied (not a coordinator), SessionFull, TransitionNotAllowed (session not
    published or past, referral already booked or not bookable in its status), ValidationError
    (another specialty)."""
    _require(perms.can_book_session(by))
    # Referral first, then the session: the order the referral transitions use when they free
    # a place (cancel, decline, reorient), so the two never wait on each other.
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    session = (
        ConsultationSession.objects.select_for_update()
        .select_related("site__commune")
        .get(pk=session_id)
    )
    existing = Appointment.objects.filter(referral_id=referral.pk).select_related("session").first()
    if existing and existing.session_id == session.pk:
        return existing
    if existing:
        raise TransitionNotAllowed(
            _("La demande %(ref)s a déjà rendez-vous le %(when)s : libérez-le d'abord.")
            % {"ref": referral.reference, "when": _when(existing.session)}
        )
    if session.status != SessionStatus.PUBLISHED or session.starts_at <= timezone.now():
        raise TransitionNotAllowed(
            _("La consultation du %(when)s n'est pas ouverte à la réservation.")
            % {"when": _when(session)}
        )
    if session.specialty_id != referral.specialty_id:
        raise ValidationError(_("Cette consultation est celle d'une autre spécialité."))
    taken = set(session.appointments.values_list("position", flat=True))
    free = [p for p in range(session.capacity) if p not in taken]
    if not free:
        raise SessionFull(
            _("La consultation du %(when)s est complète : choisissez-en une autre.")
            % {"when": _when(session)}
        )
    if referral.status not in (Status.TRIAGED, Status.ACCEPTED):
        raise TransitionNotAllowed(
            _(
                "La demande %(ref)s est « %(status)s » : on ne peut plus lui réserver de "
                "consultation avancée."
            )
            % {"ref": referral.reference, "status": referral.get_status_display()}
        )
    position = free[0]
    starts_at = session.starts_at + timedelta(minutes=position * session.slot_minutes)
    appointment = Appointment.objects.create(
        session=session,
        referral=referral,
        position=position,
        starts_at=starts_at,
        booked_by=by,
    )
    # A slot booked earlier for this case is no longer needed.
    from members.services.availability import booking_release_for_referral

    booking_release_for_referral(referral_id=referral.pk)
    location = session_location(session)
    if referral.status == Status.TRIAGED:  # taken straight from the offer, if there was one
        referral.taken_from_offer_to_id = referral.offered_to_id
        referral.taken_from_pool = referral.offered_to_pool
    _transition(
        referral,
        to=Status.SCHEDULED,
        by=by,
        note=_("Consultation avancée le %(when)s — %(where)s")
        % {"when": timezone.localtime(starts_at).strftime("%d/%m/%Y %H:%M"), "where": location},
    )
    now = timezone.now()
    referral.specialist_id = session.specialist_id
    referral.response_mode = ResponseMode.ADVANCED_CONSULTATION
    referral.appointment_at = starts_at
    referral.appointment_location = location
    referral.accepted_at = referral.accepted_at or now
    referral.offered_to = None
    referral.offered_to_pool = False
    referral.save(
        update_fields=[
            "status",
            "specialist",
            "response_mode",
            "appointment_at",
            "appointment_location",
            "accepted_at",
            "taken_from_offer_to",
            "taken_from_pool",
            "offered_to",
            "offered_to_pool",
            "updated_at",
        ]
    )
    referral_notify(referral, NotificationKind.REFERRAL_SCHEDULED, actor=by)
    notify(
        recipients=[session.specialist],
        kind=NotificationKind.CONSULTATION,
        title=_("Nouveau rendez-vous en consultation avancée : %(ref)s, %(when)s")
        % {
            "ref": referral.reference,
            "when": timezone.localtime(starts_at).strftime("%d/%m %H:%M"),
        },
        url=reverse("referrals:detail", args=[referral.public_id]),
        actor=by,
    )
    return appointment


def appointment_release_for_referral(*, referral_id: int) -> bool:
    """Free the session place a referral held when it leaves the appointment (declined,
    cancelled, reoriented). Called inside the referral's transition; returns whether a place
    was freed."""
    appointment = Appointment.objects.filter(referral_id=referral_id).first()
    if appointment is None:
        return False
    ConsultationSession.objects.select_for_update().get(pk=appointment.session_id)
    appointment.delete()
    Referral.objects.filter(pk=referral_id).update(appointment_at=None, appointment_location="")
    return True


# ---------------------------------------------------------------------------------------------
# Calendar feed
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def calendar_feed_regenerate(*, by) -> str:
    """A new private calendar URL for the specialist; the previous one stops working. Returns
    the token (shown once, only its hash is stored)."""
    _require(perms.can_have_calendar_feed(by))
    now = timezone.now()
    CalendarFeed.objects.filter(user=by, revoked_at=None).update(revoked_at=now)
    token = CalendarFeed.generate_token()
    CalendarFeed.objects.create(user=by, key_hash=CalendarFeed.hash(token), created_at=now)
    return token


def calendar_feed_revoke(*, by) -> int:
    _require(perms.can_have_calendar_feed(by))
    return CalendarFeed.objects.filter(user=by, revoked_at=None).update(revoked_at=timezone.now())
