"""Writes about the residents (internes) the ESS's members host: a member registered as an
approved supervisor (maître de stage universitaire), the places they offer for a semester, and
the residents placed on them. One function per action, keyword-only, one transaction each."""

from datetime import date

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


def semester_start(year: int, season: str) -> date:
    """The first day of a semester: residents change placement early May and early November."""
    return date(year, 5 if season == SemesterSeason.MAY else 11, 1)


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
    semester = str(SemesterSeason(season).label)
    semester = semester[:1].lower() + semester[1:]  # in the middle of a sentence
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
    name = required_text(resident_name, "resident_name", _("Indiquez le nom de l'interne."))
    if starts_on is None:
        raise ValidationError({"starts_on": _("Indiquez le début du stage.")})
    if ends_on is None:
        raise ValidationError({"ends_on": _("Indiquez la fin du stage.")})
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("La fin du stage suit son début.")})
    if place.placements.count() >= place.places:
        raise Conflict(_("Toutes les places de ce semestre sont pourvues."))
    return Placement.objects.create(
        place=place,
        resident_name=name,
        phase=(phase or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
