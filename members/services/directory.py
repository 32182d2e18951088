"""Writes on the ESS's organisation and directory: governance functions, territory headcounts,
and the import of an existing member list (CSV, format in docs/features.md, "Members")."""

import csv
import io
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.models import Commune, Specialty
from ess.permissions import require
from ess.validators import normalize_identifier
from members import permissions as perms
from members.models import (
    OPEN_MEMBERSHIP_STATUSES,
    Competence,
    GovernanceKind,
    GovernanceRole,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Participation,
    SpecialtyHeadcount,
    User,
)
from members.services.membership import (
    ApplicationInput,
    SiteInput,
    _fill,
    _save_relations,
    _transition,
    application_errors,
)
from members.services.review import (
    membership_admit,
)


# ---------------------------------------------------------------------------------------------
# Governance
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def governance_role_assign(
    *,
    by: User,
    membership_id: int,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    note: str = "",
) -> GovernanceRole:
    """A manager records a function (president, board, ambassador…) held by a member, with its
    dates. Raises PermissionDenied, ValidationError (not a member, dates, unknown function)."""
    require(perms.can_manage_memberships(by))
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if membership.status not in (MembershipStatus.VALIDATED, MembershipStatus.ACTIVE):
        raise ValidationError({"membership": _("Seul un membre en activité reçoit une fonction.")})
    if kind not in GovernanceKind.values:
        raise ValidationError({"kind": _("Fonction inconnue.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("La fin ne peut précéder le début.")})
    role = GovernanceRole.objects.create(
        membership=membership, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note.strip()
    )
    MembershipEvent.objects.create(
        membership=membership,
        actor=by,
        note=_("Fonction : %(kind)s depuis le %(start)s")
        % {"kind": role.get_kind_display(), "start": starts_on.strftime("%d/%m/%Y")},
    )
    return role


@transaction.atomic
def governance_role_end(*, by: User, role_id: int, ends_on: date | None = None) -> GovernanceRole:
    """A manager ends a function (today by default). Ending an ended function changes nothing."""
    require(perms.can_manage_memberships(by))
    role = GovernanceRole.objects.select_for_update().get(pk=role_id)
    ends_on = ends_on or timezone.localdate()
    if role.ends_on is not None and role.ends_on <= ends_on:
        return role
    if ends_on < role.starts_on:
        raise ValidationError({"ends_on": _("La fin ne peut précéder le début.")})
    role.ends_on = ends_on
    role.save(update_fields=["ends_on"])
    return role


# ---------------------------------------------------------------------------------------------
# Representativeness
# ---------------------------------------------------------------------------------------------
def specialty_headcount_set(
    *, by: User, specialty: Specialty, territory_count: int
) -> SpecialtyHeadcount:
    """A manager enters how many specialists of a specialty practise on the territory."""
    require(perms.can_manage_memberships(by))
    if territory_count < 0:
        raise ValidationError({"territory_count": _("Un effectif ne peut être négatif.")})
    headcount, _created = SpecialtyHeadcount.objects.update_or_create(
        specialty=specialty, defaults={"territory_count": territory_count, "updated_by": by}
    )
    return headcount


# ---------------------------------------------------------------------------------------------
# CSV import of an existing member list
# ---------------------------------------------------------------------------------------------
CSV_COLUMNS = (
    "courriel",
    "prenom",
    "nom",
    "profession",
    "rpps",
    "adeli",
    "specialite",
    "competences",
    "mode_exercice",
    "secteur",
    "adresse",
    "commune",
    "telephone",
    "participations",
    "langues",
    "membre_depuis",
)
CSV_REQUIRED = ("courriel", "prenom", "nom", "profession", "mode_exercice", "secteur")
CSV_SITES = (("adresse", "commune", "telephone"), ("adresse_2", "commune_2", "telephone_2"))
CSV_PARTICIPATIONS = {
    "soins_non_programmes": Participation.UNSCHEDULED_CARE,
    "teleexpertise": Participation.TELEEXPERTISE,
    "consultations_avancees": Participation.ADVANCED_CONSULTATIONS,
    "formation": Participation.TRAINING,
    "prevention": Participation.PREVENTION,
}
CSV_MAX_BYTES = 2 * 1024 * 1024


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), or Windows-1252 as Excel writes it in France."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _parse_date(value: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _row_input(row: dict, specialties: dict, competences: dict) -> tuple[ApplicationInput, list]:
    """One CSV row as an application, plus the row's own problems (unknown codes…)."""
    problems: list[str] = []
    specialty = None
    if row.get("specialite"):
        specialty = specialties.get(row["specialite"])
        if specialty is None:
            problems.append(_("spécialité inconnue « %s »") % row["specialite"])
    chosen = []
    for code in _split(row.get("competences", "")):
        if code not in competences:
            problems.append(_("compétence inconnue « %s »") % code)
        else:
            chosen.append(competences[code])
    participations = []
    for code in _split(row.get("participations", "")):
        if code not in CSV_PARTICIPATIONS:
            problems.append(_("participation inconnue « %s »") % code)
        else:
            participations.append(CSV_PARTICIPATIONS[code].value)
    sites = []
    for address_key, commune_key, phone_key in CSV_SITES:
        address, code = row.get(address_key, ""), row.get(commune_key, "").upper()
        if not address and not code:
            continue
        commune = Commune.objects.filter(code=code).first() if code else None
        if commune is None or not address:
            problems.append(
                _("lieu d'exercice incomplet : adresse et code INSEE de commune (« %s »)") % code
            )
            continue
        sites.append(SiteInput(address=address, commune=commune, phone=row.get(phone_key, "")))
    data = ApplicationInput(
        email=row.get("courriel", "").lower(),
        first_name=row.get("prenom", ""),
        last_name=row.get("nom", ""),
        profession=row.get("profession", ""),
        rpps=row.get("rpps", ""),
        adeli=row.get("adeli", ""),
        phone=row.get("telephone", ""),
        specialty=specialty,
        competences=chosen,
        sites=sites,
        participations=participations,
        languages=row.get("langues", ""),
        practice_mode=row.get("mode_exercice", ""),
        sector=row.get("secteur", ""),
    )
    return data, problems


def members_import_csv(*, by: User, content: bytes, base_url: str) -> list[Membership]:
    """Import an existing member list. Every line is checked first; one faulty line and nothing
    is imported: ValidationError lists each problem as "Ligne N : …" (N counts the header as
    line 1). Imported members are admitted like a validated application: an existing account
    is reused, a new one gets its activation link by email. Raises PermissionDenied."""
    require(perms.can_manage_memberships(by))
    if len(content) > CSV_MAX_BYTES:
        raise ValidationError(_("Fichier trop volumineux (2 Mo au plus)."))
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        raise ValidationError(
            _("Ligne 1 : en-tête illisible ; séparez les colonnes par « ; » ou « , ».")
        ) from None
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise ValidationError(_("Ligne 1 : colonnes manquantes : %s.") % ", ".join(missing))
    reader.fieldnames = header
    specialties = {s.code: s for s in Specialty.objects.all()}
    competences = {c.code: c for c in Competence.objects.all()}
    open_memberships = Membership.objects.filter(status__in=OPEN_MEMBERSHIP_STATUSES)
    taken_emails = set(open_memberships.values_list("email", flat=True))
    taken_rpps = set(open_memberships.exclude(rpps="").values_list("rpps", flat=True))
    errors: list[str] = []
    rows: list[tuple[ApplicationInput, date | None]] = []
    seen_emails: dict[str, int] = {}
    seen_rpps: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        data, problems = _row_input(row, specialties, competences)
        for field_errors in application_errors(data).values():
            problems.extend(field_errors)
        email, rpps = data.email, normalize_identifier(data.rpps)
        if email in taken_emails:
            problems.append(_("%s est déjà membre ou candidat") % email)
        if email in seen_emails:
            problems.append(_("même courriel qu'à la ligne %d") % seen_emails[email])
        if rpps and rpps in taken_rpps:
            problems.append(_("le RPPS %s est déjà celui d'un membre ou candidat") % rpps)
        if rpps and rpps in seen_rpps:
            problems.append(_("même RPPS qu'à la ligne %d") % seen_rpps[rpps])
        seen_emails.setdefault(email, line)
        if rpps:
            seen_rpps.setdefault(rpps, line)
        since = None
        if row.get("membre_depuis"):
            try:
                since = _parse_date(row["membre_depuis"])
            except ValueError:
                problems.append(_("date « membre_depuis » illisible (AAAA-MM-JJ ou JJ/MM/AAAA)"))
        for problem in problems:
            errors.append(_("Ligne %(n)d : %(problem)s") % {"n": line, "problem": problem})
        rows.append((data, since))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("Le fichier ne contient aucun membre."))
    return _import_rows(by=by, rows=rows, base_url=base_url)


@transaction.atomic
def _import_rows(*, by: User, rows, base_url: str) -> list[Membership]:
    imported = []
    for data, since in rows:
        membership = Membership(email=data.email)
        _fill(membership, data)
        if since:
            membership.joined_at = timezone.make_aware(datetime.combine(since, datetime.min.time()))
        membership.save()
        _save_relations(membership, data)
        MembershipEvent.objects.create(
            membership=membership, actor=by, to_status=MembershipStatus.APPLIED
        )
        _transition(membership, to=MembershipStatus.VALIDATED, by=by, note=_("Importé d'une liste"))
        membership_admit(membership, by=by, base_url=base_url)
        membership.save()
        imported.append(membership)
    return imported
