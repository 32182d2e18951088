"""Writes on advanced-consultation sites and plans: a plan's season of draft sessions is
generated with it."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling import permissions as perms
from scheduling.models import ConsultationPlan, ConsultationSession, ConsultationSite
from scheduling.services.common import require as _require
from scheduling.services.common import run_refusal

MAX_SEASON_DAYS = 400


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
    protocol: object = None  # partners.Protocol: a nurse-led consultation under it


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
    if data.protocol is not None:
        protocol_error = _plan_protocol_problem(data.protocol, data.specialty)
        if protocol_error:
            errors["protocol"] = protocol_error
    if "protocol" not in errors:
        refusal = _volunteers_refusal(
            data.volunteers, getattr(data.specialty, "pk", None), data.protocol
        )
        if refusal:
            errors["volunteers"] = refusal
    if errors:
        raise ValidationError(errors)


def _plan_protocol_problem(protocol, specialty) -> str:
    convention = protocol.convention
    if not convention.is_in_force():
        return _(
            "Le protocole « %(protocol)s » n'est pas en vigueur (convention « %(status)s ») : "
            "on ne peut pas y adosser des consultations."
        ) % {"protocol": convention.title, "status": convention.get_status_display()}
    if protocol.specialty_id and specialty is not None and protocol.specialty_id != specialty.pk:
        return _("Le protocole « %(protocol)s » porte sur une autre spécialité.") % {
            "protocol": convention.title
        }
    return ""


def _volunteers_refusal(volunteers, specialty_id, protocol) -> str:
    """The first volunteer's refusal (common.run_refusal), or ""."""
    for volunteer in volunteers:
        refusal = run_refusal(volunteer, specialty_id=specialty_id, protocol=protocol)
        if refusal:
            return refusal
    return ""


@transaction.atomic
def plan_create(*, by, site_id: int, data: PlanInput) -> ConsultationPlan:
    """A manager sets up a recurring session at a site for a season, with its draft sessions
    (one per week, in the same transaction).
    Under a protocol (a nurse-led consultation), its delegates may volunteer too; the protocol
    must be in force and of the plan's specialty.
    Raises PermissionDenied, ValidationError (times, capacity that does not fit, specialty not
    offered, protocol not in force, volunteers of another specialty or not delegates of the
    protocol) — nothing written."""
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
        protocol=data.protocol,
    )
    plan.volunteers.set(data.volunteers)
    plan_generate_sessions(by=by, plan_id=plan.pk)
    return plan


@transaction.atomic
def plan_set_volunteers(*, by, plan_id: int, volunteers: list) -> ConsultationPlan:
    """The manager lists who volunteers for the plan's rota: specialists of its specialty and,
    for a nurse-led consultation, the delegates (IPA, IDE) of its protocol while its convention
    is in force. Raises PermissionDenied, ValidationError (the first volunteer refused, and
    why) — nothing written."""
    _require(perms.can_manage_consultations(by))
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan_id)
    refusal = _volunteers_refusal(volunteers, plan.specialty_id, plan.protocol)
    if refusal:
        raise ValidationError({"volunteers": refusal})
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
