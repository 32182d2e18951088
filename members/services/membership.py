"""Writes on memberships: the application (public form, CSV import) and what the review
and the member's life share (services.review).

Transition services follow docs/architecture.md: atomic → re-read FOR UPDATE → check the actor
(PermissionDenied) → check MEMBERSHIP_TRANSITIONS (TransitionNotAllowed) → write the event →
save(update_fields=…) → emails as outbox rows. Repeating a transition already done is a no-op.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import workflow
from ess.models import Commune, Specialty
from ess.outbox import email_queue_rendered
from ess.permissions import require
from ess.roles import Role
from ess.validators import normalize_identifier, normalize_phone, validate_adeli, validate_rpps
from members import permissions as perms
from members.models import (
    OPEN_MEMBERSHIP_STATUSES,
    PUBLISHABLE_FIELDS,
    Competence,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Participation,
    PracticeMode,
    PracticeSite,
    Profession,
    Sector,
)
from members.services.accounts import email_role_holders

ACTIVATION_SALT = "members.activation"
APPLICATION_SALT = "members.application"
# Profession fields only a manager changes once a member is validated (identity, specialty).
REGULATED_FIELDS = ("profession", "rpps", "adeli", "specialty")
# Professions registered in the RPPS (the others, paramedics, may give their ADELI number).
RPPS_PROFESSIONS = frozenset({Profession.PHYSICIAN, Profession.PHARMACIST, Profession.MIDWIFE})
MEMBER_ROLES = (Role.SPECIALIST, Role.PARAMEDIC)


@dataclass
class SiteInput:
    address: str
    commune: Commune
    phone: str = ""


@dataclass
class ApplicationInput:
    """What an applicant (or a member editing their entry) declares."""

    email: str
    first_name: str
    last_name: str
    profession: str
    practice_mode: str
    sector: str
    rpps: str = ""
    adeli: str = ""
    phone: str = ""
    specialty: Specialty | None = None
    competences: list[Competence] = field(default_factory=list)
    sites: list[SiteInput] = field(default_factory=list)
    participations: list[str] = field(default_factory=list)
    languages: str = ""
    is_public: bool = False
    public_fields: list[str] = field(default_factory=list)


def member_role_for(profession: str) -> Role:
    """Physicians work as specialists; IPA/IDE and other professions as paramedics."""
    return Role.SPECIALIST if profession == Profession.PHYSICIAN else Role.PARAMEDIC


def application_errors(data: ApplicationInput) -> dict[str, list[str]]:
    """Every problem with an application, by field, in French. Empty when it is acceptable.

    The form, the CSV import and the services all go through here."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message) -> None:
        errors.setdefault(name, []).append(str(message))

    if not data.email.strip():
        add("email", _("L'adresse électronique est requise."))
    if not data.first_name.strip() or not data.last_name.strip():
        add("last_name", _("Le nom et le prénom sont requis."))
    if data.profession not in Profession.values:
        add("profession", _("Profession inconnue."))
    try:
        normalize_phone(data.phone)
    except ValidationError as exc:
        add("phone", exc.messages[0])
    for site in data.sites:
        try:
            normalize_phone(site.phone)
        except ValidationError as exc:
            add(
                "sites",
                _("Téléphone de %(address)s : %(message)s")
                % {"address": site.address.strip(), "message": exc.messages[0]},
            )
    rpps, adeli = normalize_identifier(data.rpps), normalize_identifier(data.adeli)
    if rpps:
        try:
            validate_rpps(rpps)
        except ValidationError as exc:
            add("rpps", exc.messages[0])
    if adeli:
        try:
            validate_adeli(adeli)
        except ValidationError as exc:
            add("adeli", exc.messages[0])
    if data.profession in RPPS_PROFESSIONS and not rpps and "rpps" not in errors:
        add("rpps", _("Le numéro RPPS est requis pour cette profession (11 chiffres)."))
    elif not rpps and not adeli and "rpps" not in errors and "adeli" not in errors:
        add("adeli", _("Indiquez votre numéro RPPS ou, à défaut, votre numéro ADELI."))
    if data.profession == Profession.PHYSICIAN and data.specialty is None:
        add("specialty", _("Indiquez votre spécialité."))
    if data.specialty is not None and data.specialty.code == "medecine-generale":
        add("specialty", _("L'ESS réunit des spécialistes autres que de médecine générale."))
    specialty_id = data.specialty.pk if data.specialty else None
    wrong = [c.label for c in data.competences if c.specialty_id not in (None, specialty_id)]
    if wrong:
        add("competences", _("Compétences d'une autre spécialité : %s.") % ", ".join(wrong))
    if data.practice_mode not in PracticeMode.values:
        add("practice_mode", _("Mode d'exercice inconnu (libéral ou mixte)."))
    if data.sector not in Sector.values:
        add("sector", _("Secteur inconnu."))
    if not data.sites:
        add("sites", _("Indiquez au moins un lieu d'exercice (adresse et commune)."))
    if set(data.participations) - set(Participation.values):
        add("participations", _("Participation inconnue."))
    if set(data.public_fields) - set(PUBLISHABLE_FIELDS):
        add("public_fields", _("Information publiable inconnue."))
    return errors


def _check(data: ApplicationInput) -> None:
    errors = application_errors(data)
    if errors:
        raise ValidationError(errors)


def _fill(membership: Membership, data: ApplicationInput, *, regulated: bool = True) -> None:
    """Copy the declared values onto the row (regulated fields only when allowed)."""
    membership.first_name = data.first_name.strip()
    membership.last_name = data.last_name.strip()
    membership.phone = normalize_phone(data.phone)
    membership.practice_mode = data.practice_mode
    membership.sector = data.sector
    membership.languages = data.languages.strip()
    for participation in Participation:
        setattr(membership, participation.value, participation.value in data.participations)
    membership.is_public = data.is_public
    membership.public_fields = sorted(set(data.public_fields)) if data.is_public else []
    if regulated:
        membership.profession = data.profession
        membership.rpps = normalize_identifier(data.rpps)
        membership.adeli = normalize_identifier(data.adeli)
        membership.specialty = data.specialty


def _save_sites(membership: Membership, sites: list[SiteInput]) -> None:
    membership.sites.all().delete()
    PracticeSite.objects.bulk_create(
        [
            PracticeSite(
                membership=membership,
                address=s.address.strip(),
                commune=s.commune,
                phone=normalize_phone(s.phone),
            )
            for s in sites
        ]
    )


def _save_relations(membership: Membership, data: ApplicationInput) -> None:
    membership.competences.set(data.competences)
    _save_sites(membership, data.sites)


def _email(*, to: str, template: str, context: dict, language: str = "") -> None:
    email_queue_rendered(to=to, template=template, context=context, html=False, language=language)


def _link(base_url: str, url_name: str, token: str) -> str:
    return base_url.rstrip("/") + reverse(url_name, kwargs={"token": token})


def membership_token(membership: Membership, salt: str) -> str:
    return signing.dumps(str(membership.public_id), salt=salt)


def membership_from_token(token: str, *, salt: str, status: str) -> Membership | None:
    """The membership a link points to while it is in `status`, or None (tampered, expired,
    already used)."""
    max_age = timedelta(days=settings.ESS_INVITATION_DAYS)
    try:
        public_id = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return (
        Membership.objects.select_related("specialty", "user")
        .filter(public_id=public_id, status=status)
        .first()
    )


ACTION_LABELS = {
    MembershipStatus.APPLIED: gettext_lazy("renvoyer la candidature"),
    MembershipStatus.CHANGES_REQUESTED: gettext_lazy("demander des compléments"),
    MembershipStatus.VALIDATED: gettext_lazy("valider"),
    MembershipStatus.ACTIVE: gettext_lazy("activer"),
    MembershipStatus.SUSPENDED: gettext_lazy("suspendre"),
    MembershipStatus.REFUSED: gettext_lazy("refuser"),
    MembershipStatus.LEFT: gettext_lazy("enregistrer le départ"),
}


_refused = workflow.Refusal(
    gettext_lazy(
        "Action impossible : l'adhésion de %(who)s est « %(status)s », on ne peut pas %(action)s."
    ),
    ACTION_LABELS,
    lambda membership: {"who": membership.display_name},
)


_locked = partial(workflow.locked, Membership)


def _locked_for_manager(membership_id: int, by) -> Membership:
    """The locked membership a manager acts on. Raises PermissionDenied."""
    membership = _locked(membership_id)
    require(perms.can_manage_memberships(by))
    return membership


_transition = partial(workflow.transition, refused=_refused)


def _open_duplicate(data: ApplicationInput, *, excluding: int | None = None) -> str | None:
    """Why this person cannot apply now (an open membership with the same email or RPPS)."""
    others = Membership.objects.filter(status__in=OPEN_MEMBERSHIP_STATUSES)
    if excluding:
        others = others.exclude(pk=excluding)
    if others.filter(email=data.email.strip().lower()).exists():
        return _("Une adhésion est déjà en cours ou active pour cette adresse électronique.")
    rpps = normalize_identifier(data.rpps)
    if rpps and others.filter(rpps=rpps).exists():
        return _("Une adhésion est déjà en cours ou active pour ce numéro RPPS.")
    return None


# ---------------------------------------------------------------------------------------------
# The application (public form, no account needed)
# ---------------------------------------------------------------------------------------------
def membership_apply(
    *, data: ApplicationInput, submission_key: str = "", base_url: str
) -> tuple[Membership, bool]:
    """Someone applies to join the ESS. Returns (membership, created).

    Raises ValidationError (bad RPPS/ADELI, missing site…, or an open membership for the same
    email/RPPS). A resent form (same `submission_key`) returns the first application. After
    commit: the applicant gets an acknowledgement and the managers a notice to review it.
    """
    if submission_key:
        existing = Membership.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing, False
    _check(data)
    duplicate = _open_duplicate(data)
    if duplicate:
        raise ValidationError({"email": duplicate})
    try:
        with transaction.atomic():
            membership = Membership(
                email=data.email.strip().lower(), submission_key=submission_key or None
            )
            _fill(membership, data)
            membership.save()
            _save_relations(membership, data)
            MembershipEvent.objects.create(
                membership=membership, to_status=MembershipStatus.APPLIED
            )
            _email(
                to=membership.email,
                template="membership_received",
                context={"membership": membership},
            )
            review = base_url.rstrip("/") + reverse(
                "members:membership_detail", args=[membership.public_id]
            )
            email_role_holders(
                Role.MANAGER,
                template="membership_to_review",
                context={"membership": membership, "link": review},
            )
    except IntegrityError:
        # A concurrent twin (double click, or the same person twice) won: answer with it.
        existing = Membership.objects.filter(submission_key=submission_key).first()
        if submission_key and existing:
            return existing, False
        raise ValidationError(
            {"email": _("Une adhésion est déjà en cours ou active pour cette personne.")}
        ) from None
    return membership, True


@transaction.atomic
def membership_resubmit(*, token: str, data: ApplicationInput) -> Membership:
    """The applicant completes the application a manager sent back (link from the email).
    Raises ValidationError (link no longer valid, or the data)."""
    found = membership_from_token(
        token, salt=APPLICATION_SALT, status=MembershipStatus.CHANGES_REQUESTED
    )
    if found is None:
        raise ValidationError(_("Ce lien n'est plus valable : la candidature a déjà été renvoyée."))
    membership = _locked(found.pk)
    data.email = membership.email  # the address the link was sent to stays the same
    _check(data)
    duplicate = _open_duplicate(data, excluding=membership.pk)
    if duplicate:
        raise ValidationError({"rpps": duplicate})
    _transition(membership, to=MembershipStatus.APPLIED, by=None, note=_("Candidature complétée"))
    _fill(membership, data)
    membership.save()
    _save_relations(membership, data)
    return membership
