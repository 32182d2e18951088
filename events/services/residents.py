"""Writes about the residents (internes) the ESS's members host: a member registered as an
approved supervisor (maître de stage universitaire), the places they offer for a semester, and
the residents placed on them. One function per action, keyword-only, one transaction each; an
offer's row is locked before its placements'."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.errors import Conflict
from ess.permissions import require
from ess.text import required_text
from events import permissions as perms
from events.models import Placement, ResidentSupervisor, SemesterSeason, TrainingPlace
from members.selectors import ess_members

# The years an offer may be declared for, around the current one.
OFFER_YEARS_BACK = 1
OFFER_YEARS_AHEAD = 3


# Residents change placement on a day of early May and early November: a placement may end a
# few days into the next semester.
CHANGEOVER_DAYS = 31


def semester_start(year: int, season: str) -> date:
    """The first day of a semester: residents change placement early May and early November."""
    return date(year, 5 if season == SemesterSeason.MAY else 11, 1)


def semester_next_start(year: int, season: str) -> date:
    """The first day of the semester after."""
    return date(year, 11, 1) if season == SemesterSeason.MAY else date(year + 1, 5, 1)


@transaction.atomic
def supervisor_register(
    *,
    by,
    member,
    approval_number: str,
    approved_until: date | None = None,
    university: str = "",
) -> ResidentSupervisor:
    """Register a member of the ESS as an approved supervisor, with their approval's number,
    end date and university. Requires `can_manage_residents` (PermissionDenied); a
    ValidationError names the field at fault (a member already registered among them)."""
    require(perms.can_manage_residents(by))
    if member is None or not ess_members().filter(pk=member.pk).exists():
        raise ValidationError({"member": _("Choisissez un membre de l'ESS.")})
    if ResidentSupervisor.objects.filter(member=member).exists():
        raise ValidationError(
            {
                "member": _("%(name)s est déjà inscrit·e comme maître de stage.")
                % {"name": member.display_name}
            }
        )
    number = required_text(approval_number, "approval_number", _("Indiquez le numéro d'agrément."))
    return ResidentSupervisor.objects.create(
        member=member,
        approval_number=number,
        approved_until=approved_until,
        university=(university or "").strip(),
    )


@transaction.atomic
def supervisor_update(
    *,
    by,
    supervisor_id: int,
    approval_number: str,
    approved_until: date | None = None,
    university: str = "",
) -> ResidentSupervisor:
    """Correct a supervisor's approval (number, end date) and university. Requires
    `can_manage_residents` (PermissionDenied); a ValidationError names the field at fault, among
    them an approval that would end before a semester already offered."""
    supervisor = (
        ResidentSupervisor.objects.select_for_update()
        .select_related("member")
        .get(pk=supervisor_id)
    )
    require(perms.can_manage_residents(by))
    number = required_text(approval_number, "approval_number", _("Indiquez le numéro d'agrément."))
    if approved_until is not None:
        for place in supervisor.places.order_by("-year", "season"):
            if semester_start(place.year, place.season) > approved_until:
                raise ValidationError(
                    {
                        "approved_until": _(
                            "%(name)s offre des places pour le %(semester)s %(year)s : "
                            "l'agrément ne peut pas prendre fin avant."
                        )
                        % {
                            "name": supervisor.member.display_name,
                            "semester": _semester_in_sentence(place.season),
                            "year": place.year,
                        }
                    }
                )
    supervisor.approval_number = number
    supervisor.approved_until = approved_until
    supervisor.university = (university or "").strip()
    supervisor.save(update_fields=["approval_number", "approved_until", "university"])
    return supervisor


def _semester_in_sentence(season: str) -> str:
    label = str(SemesterSeason(season).label)
    return label[:1].lower() + label[1:]


@transaction.atomic
def training_place_offer(
    *,
    by,
    supervisor_id: int,
    year: int | None,
    season: str,
    places: int | None,
    site: str = "",
) -> TrainingPlace:
    """Declare the places a supervisor offers for one semester (year and season). Requires
    `can_declare_training_place` (PermissionDenied: the management, or the supervisor
    themselves); a ValidationError names the field at fault: a semester already offered, a
    semester past the supervisor's approval, a year out of range."""
    supervisor = (
        ResidentSupervisor.objects.select_for_update()
        .select_related("member")
        .get(pk=supervisor_id)
    )
    require(perms.can_declare_training_place(by, supervisor))
    if season not in SemesterSeason.values:
        raise ValidationError({"season": _("Choisissez le semestre (mai ou novembre).")})
    current = timezone.localdate().year
    if year is None or not current - OFFER_YEARS_BACK <= year <= current + OFFER_YEARS_AHEAD:
        raise ValidationError(
            {
                "year": _("Choisissez une année entre %(first)s et %(last)s.")
                % {"first": current - OFFER_YEARS_BACK, "last": current + OFFER_YEARS_AHEAD}
            }
        )
    if places is None or places < 1:
        raise ValidationError({"places": _("Offrez au moins une place.")})
    semester = _semester_in_sentence(season)
    if TrainingPlace.objects.filter(supervisor=supervisor, year=year, season=season).exists():
        raise ValidationError(
            {
                "season": _("%(name)s offre déjà des places pour le %(semester)s %(year)s.")
                % {"name": supervisor.member.display_name, "semester": semester, "year": year}
            }
        )
    if supervisor.approved_until and supervisor.approved_until < semester_start(year, season):
        raise ValidationError(
            {
                "year": _("L'agrément de %(name)s prend fin le %(date)s, avant ce semestre.")
                % {
                    "name": supervisor.member.display_name,
                    "date": supervisor.approved_until.strftime("%d/%m/%Y"),
                }
            }
        )
    return TrainingPlace.objects.create(
        supervisor=supervisor, year=year, season=season, places=places, site=(site or "").strip()
    )


@transaction.atomic
def training_place_update(
    *, by, place_id: int, places: int | None, site: str = ""
) -> TrainingPlace:
    """Change an offer's number of places and its site (its semester stays: another semester is
    another offer). Requires `can_declare_training_place` (PermissionDenied); a ValidationError
    when the places would fall below the residents already placed."""
    place = (
        TrainingPlace.objects.select_for_update()
        .select_related("supervisor__member")
        .get(pk=place_id)
    )
    require(perms.can_declare_training_place(by, place.supervisor))
    placed = place.placements.count()
    if places is None or places < max(placed, 1):
        raise ValidationError(
            {
                "places": _("Offrez au moins une place.")
                if placed < 2
                else _("%(placed)s internes sont placés : gardez au moins %(placed)s places.")
                % {"placed": placed}
            }
        )
    place.places = places
    place.site = (site or "").strip()
    place.save(update_fields=["places", "site"])
    return place


def _placement_fields(
    place: TrainingPlace,
    *,
    resident_name: str,
    starts_on: date | None,
    ends_on: date | None,
    phase: str,
) -> dict:
    """The checked fields of a placement on `place`: a name, and dates that start within the
    offer's semester and end by the next change-over at the latest."""
    name = required_text(resident_name, "resident_name", _("Indiquez le nom de l'interne."))
    if starts_on is None:
        raise ValidationError({"starts_on": _("Indiquez le début du stage.")})
    if ends_on is None:
        raise ValidationError({"ends_on": _("Indiquez la fin du stage.")})
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("La fin du stage suit son début.")})
    first = semester_start(place.year, place.season)
    following = semester_next_start(place.year, place.season)
    if not first <= starts_on < following:
        raise ValidationError(
            {
                "starts_on": _(
                    "Le stage commence pendant le %(semester)s %(year)s : entre le %(first)s et "
                    "le %(last)s."
                )
                % {
                    "semester": _semester_in_sentence(place.season),
                    "year": place.year,
                    "first": first.strftime("%d/%m/%Y"),
                    "last": (following - timedelta(days=1)).strftime("%d/%m/%Y"),
                }
            }
        )
    latest = following + timedelta(days=CHANGEOVER_DAYS - 1)
    if ends_on > latest:
        raise ValidationError(
            {
                "ends_on": _(
                    "Le stage prend fin au changement de semestre, le %(date)s au plus tard."
                )
                % {"date": latest.strftime("%d/%m/%Y")}
            }
        )
    return {
        "resident_name": name,
        "phase": (phase or "").strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
    }


@transaction.atomic
def placement_record(
    *,
    by,
    place_id: int,
    resident_name: str,
    starts_on: date | None,
    ends_on: date | None,
    phase: str = "",
) -> Placement:
    """Place a resident on an offer. Requires `can_manage_residents` (PermissionDenied); a
    ValidationError names the field at fault; Conflict when every place of the offer is
    taken (the offer's row is locked, so two placements never share the last place)."""
    place = TrainingPlace.objects.select_for_update().get(pk=place_id)
    require(perms.can_manage_residents(by))
    fields = _placement_fields(
        place, resident_name=resident_name, starts_on=starts_on, ends_on=ends_on, phase=phase
    )
    if place.placements.count() >= place.places:
        raise Conflict(_("Toutes les places de ce semestre sont pourvues."))
    return Placement.objects.create(place=place, **fields)


@transaction.atomic
def placement_update(
    *,
    by,
    placement_id: int,
    resident_name: str,
    starts_on: date | None,
    ends_on: date | None,
    phase: str = "",
) -> Placement:
    """Correct a placement's resident, phase or dates, checked as when it was recorded.
    Requires `can_manage_residents` (PermissionDenied)."""
    place = TrainingPlace.objects.select_for_update(of=("self",)).get(placements__pk=placement_id)
    placement = Placement.objects.select_for_update().get(pk=placement_id)
    require(perms.can_manage_residents(by))
    fields = _placement_fields(
        place, resident_name=resident_name, starts_on=starts_on, ends_on=ends_on, phase=phase
    )
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.save(update_fields=list(fields))
    return placement


@transaction.atomic
def placement_remove(*, by, placement_id: int) -> None:
    """Remove a placement recorded by mistake, or of a resident who did not come: its place is
    free again. Requires `can_manage_residents` (PermissionDenied). Again: no-op."""
    require(perms.can_manage_residents(by))
    place = (
        TrainingPlace.objects.select_for_update(of=("self",))
        .filter(placements__pk=placement_id)
        .first()
    )
    if place is not None:
        Placement.objects.filter(pk=placement_id).delete()
