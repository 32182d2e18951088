"""Writes of the therapeutic patient education (ETP) programmes the ESS takes part in and of
their sessions: one function per action, keyword-only, one transaction each. A session holds
how many patients took part, never who."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.errors import Conflict
from ess.permissions import require
from ess.text import required_text
from events import permissions as perms
from events.models import EtpProgramme, EtpSession
from members.selectors import ess_members


def _programme_fields(
    *,
    programme_id: int | None,
    title: str,
    authorisation_number: str,
    authorised_on: date | None,
    specialty=None,
    coordinator=None,
    coordinator_name: str = "",
    description: str = "",
    is_active: bool = True,
) -> dict:
    """A programme's fields, checked (`programme_id`: the one changed, whose own authorisation
    number is not taken): the same for `etp_programme_create` and `etp_programme_update`."""
    title = required_text(title, "title", _("Donnez un intitulé au programme."))
    number = required_text(
        authorisation_number,
        "authorisation_number",
        _("Indiquez le numéro d'autorisation délivré par l'ARS."),
    )
    if authorised_on is None:
        raise ValidationError({"authorised_on": _("Indiquez la date d'autorisation par l'ARS.")})
    if authorised_on > timezone.localdate():
        raise ValidationError(
            {"authorised_on": _("La date d'autorisation ne peut pas être dans le futur.")}
        )
    taken = EtpProgramme.objects.filter(authorisation_number__iexact=number)
    if programme_id is not None:
        taken = taken.exclude(pk=programme_id)
    other = taken.first()
    if other is not None:
        raise ValidationError(
            {
                "authorisation_number": _(
                    "Le numéro d'autorisation ARS « %(number)s » est déjà celui du programme "
                    "« %(title)s »."
                )
                % {"number": number, "title": other.title}
            }
        )
    if coordinator is not None and not ess_members().filter(pk=coordinator.pk).exists():
        raise ValidationError(
            {"coordinator": _("Le coordinateur choisi n'est pas membre de l'ESS.")}
        )
    return {
        "title": title,
        "authorisation_number": number,
        "authorised_on": authorised_on,
        "specialty": specialty,
        "coordinator": coordinator,
        "coordinator_name": (coordinator_name or "").strip(),
        "description": (description or "").strip(),
        "is_active": bool(is_active),
    }


@transaction.atomic
def etp_programme_create(*, by, **fields) -> EtpProgramme:
    """Record a programme authorised by the ARS (`_programme_fields`). Requires
    `can_manage_etp` (PermissionDenied); a ValidationError names the field at fault (an
    authorisation number already recorded among them)."""
    require(perms.can_manage_etp(by))
    return EtpProgramme.objects.create(**_programme_fields(programme_id=None, **fields))


@transaction.atomic
def etp_programme_update(*, programme_id: int, by, **fields) -> EtpProgramme:
    """Change a programme (`is_active` false: it has ended, its sessions stay counted). Same
    requirements as `etp_programme_create`."""
    programme = EtpProgramme.objects.select_for_update().get(pk=programme_id)
    require(perms.can_manage_etp(by))
    fields = _programme_fields(programme_id=programme.pk, **fields)
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.save()
    return programme


def _session_fields(
    *,
    programme: EtpProgramme,
    held_on: date | None,
    topic: str,
    patients_count: int | None,
    collective: bool = True,
    facilitators=(),
) -> dict:
    """A session's fields, checked against its programme: the same for `etp_session_record`
    and `etp_session_update`."""
    if held_on is None:
        raise ValidationError({"held_on": _("Indiquez la date de la séance.")})
    if held_on > timezone.localdate():
        raise ValidationError(
            {"held_on": _("Une séance s'enregistre une fois tenue : sa date est passée.")}
        )
    if held_on < programme.authorised_on:
        raise ValidationError(
            {
                "held_on": _("La séance précède l'autorisation du programme (le %(date)s).")
                % {"date": programme.authorised_on.strftime("%d/%m/%Y")}
            }
        )
    topic = required_text(topic, "topic", _("Indiquez le thème de la séance."))
    if patients_count is None or patients_count < 1:
        raise ValidationError(
            {"patients_count": _("Indiquez le nombre de patients (au moins un).")}
        )
    if not collective and patients_count != 1:
        raise ValidationError(
            {"patients_count": _("Une séance individuelle compte un seul patient.")}
        )
    facilitators = list(facilitators or [])
    members = set(
        ess_members().filter(pk__in=[f.pk for f in facilitators]).values_list("pk", flat=True)
    )
    strangers = [f for f in facilitators if f.pk not in members]
    if strangers:
        raise ValidationError(
            {
                "facilitators": _("%(name)s n'est pas membre de l'ESS.")
                % {"name": strangers[0].display_name}
            }
        )
    return {
        "held_on": held_on,
        "topic": topic,
        "collective": bool(collective),
        "patients_count": patients_count,
        "facilitators": facilitators,
    }


@transaction.atomic
def etp_session_record(*, programme_id: int, by, **fields) -> EtpSession:
    """Record a session held by a running programme (`_session_fields`): its date (past, not
    before the authorisation), its topic, collective or individual (one patient), how many
    patients took part and its facilitators among the ESS's members. Requires `can_manage_etp`
    (PermissionDenied); a ValidationError names the field at fault; Conflict when the
    programme has ended."""
    programme = EtpProgramme.objects.select_for_update().get(pk=programme_id)
    require(perms.can_manage_etp(by))
    if not programme.is_active:
        raise Conflict(_("Ce programme n'est plus en cours : ses séances ne s'enregistrent plus."))
    fields = _session_fields(programme=programme, **fields)
    chosen = fields.pop("facilitators")
    session = EtpSession.objects.create(programme=programme, recorded_by=by, **fields)
    session.facilitators.set(chosen)
    return session


@transaction.atomic
def etp_session_update(*, session_id: int, by, **fields) -> EtpSession:
    """Correct a recorded session (an ended programme's too). Same requirements as
    `etp_session_record`."""
    session = EtpSession.objects.select_for_update().select_related("programme").get(pk=session_id)
    require(perms.can_manage_etp(by))
    fields = _session_fields(programme=session.programme, **fields)
    session.facilitators.set(fields.pop("facilitators"))
    for name, value in fields.items():
        setattr(session, name, value)
    session.save(update_fields=list(fields))
    return session


@transaction.atomic
def etp_session_delete(*, session_id: int, by) -> EtpProgramme:
    """Delete a session recorded by mistake; returns its programme. Requires `can_manage_etp`."""
    session = EtpSession.objects.select_for_update().select_related("programme").get(pk=session_id)
    require(perms.can_manage_etp(by))
    programme = session.programme
    session.delete()
    return programme
