"""Self-registration of health professionals (public, no invitation).

The professional gives an RPPS number (or an ADELI number, paramedics) and an email address.
The number is checked against the local copy of the national directory (`DirectoryEntry`): an
unknown, malformed or inactive number, or one that already has an account, is refused and
nothing is written. Otherwise a registration waits for its emailed link; following it and
choosing a password creates a requester account, prefilled from the directory: usable at once
when the practice is in the ESS's départements, after the coordination's validation otherwise.

Transition services follow docs/architecture.md through the workflow core (ess.workflow).
"""

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ess import workflow
from ess.models import NotificationKind, Team
from ess.notifications import notifications_settled, notify
from ess.outbox import email_queue_rendered, language_of
from ess.permissions import require
from ess.roles import Role
from ess.text import required_text
from ess.validators import normalize_identifier, validate_adeli, validate_rpps
from members import permissions as perms
from members.hooks import account_opened
from members.models import (
    DirectoryEntry,
    DirectoryIdType,
    Registration,
    RegistrationStatus,
    User,
)
from members.services.accounts import roles_grant
from members.services.professionals import account_fields

_SALT = "members.registration"
# "Identification nationale PP": the type's prefix, then the number.
_NATIONAL_PREFIX = {DirectoryIdType.RPPS: "8", DirectoryIdType.ADELI: "0"}


@dataclass(frozen=True)
class RegistrationCheck:
    """What the directory says of a professional who may register."""

    entry: DirectoryEntry
    email: str
    in_territory: bool


def _refuse(field: str, message: str):
    raise ValidationError({field: message})


def identifier_parse(value: str) -> tuple[str, str]:
    """(id type, number) of what the professional typed: 11 digits are an RPPS number (Luhn
    key checked), 9 characters an ADELI number. Raises ValidationError in French."""
    number = normalize_identifier(value)
    try:
        if len(number) == 11:
            validate_rpps(number)
            return DirectoryIdType.RPPS, number
        if len(number) == 9:
            validate_adeli(number)
            return DirectoryIdType.ADELI, number
    except ValidationError as exc:
        _refuse("identifier", exc.messages[0])
    _refuse(
        "identifier",
        _(
            "Saisissez votre numéro RPPS (11 chiffres) ou, pour les professions qui n'en ont "
            "pas encore, votre numéro ADELI (9 caractères)."
        ),
    )


def territory_departements() -> set[str]:
    team = Team.current()
    return set(team.departements.values_list("code", flat=True)) if team else set()


def registration_check(*, identifier: str, email: str) -> RegistrationCheck:
    """Read-only: whether this professional may register with this address. Raises
    ValidationError (keyed `identifier` or `email`) with the reason, in French."""
    id_type, number = identifier_parse(identifier)
    label = DirectoryIdType(id_type).label
    entry = DirectoryEntry.objects.filter(national_id=_NATIONAL_PREFIX[id_type] + number).first()
    if entry is None:
        _refuse(
            "identifier",
            _(
                "Le numéro %(type)s %(number)s ne figure pas dans l'annuaire national des "
                "professionnels de santé. Vérifiez-le sur votre carte CPS ou sur "
                "annuaire.sante.fr ; un professionnel inscrit récemment peut n'y apparaître "
                "qu'après quelques jours."
            )
            % {"type": label, "number": number},
        )
    if not entry.has_activity:
        _refuse(
            "identifier",
            _(
                "D'après l'annuaire national, le professionnel %(type)s %(number)s n'a pas "
                "d'activité en cours : l'inscription est réservée aux professionnels en "
                "exercice. Si vous exercez, mettez à jour votre situation auprès de votre ordre "
                "ou de l'ARS."
            )
            % {"type": label, "number": number},
        )
    if Registration.objects.filter(entry=entry, status=RegistrationStatus.PENDING).exists():
        _refuse(
            "identifier",
            _(
                "Une inscription pour ce numéro attend déjà la validation de la coordination "
                "de l'ESS : vous recevrez sa réponse par courriel."
            ),
        )
    account = User.objects.filter(**{id_type: number})
    if account.exists():
        _refuse(
            "identifier",
            _(
                "Un compte existe déjà pour ce numéro %(type)s. Connectez-vous ; si vous avez "
                "oublié votre mot de passe, utilisez « Mot de passe oublié ? » avec l'adresse "
                "de ce compte."
            )
            % {"type": label},
        )
    email = (email or "").strip().lower()
    if User.objects.filter(email=email).exists():
        _refuse(
            "email",
            _(
                "Un compte existe déjà pour cette adresse. Connectez-vous, ou utilisez « Mot de "
                "passe oublié ? »."
            ),
        )
    in_territory = entry.departement_code in territory_departements()
    return RegistrationCheck(entry=entry, email=email, in_territory=in_territory)


def registration_token(registration: Registration) -> str:
    # The address is part of the link: a later registration to another address voids it.
    return signing.dumps([str(registration.public_id), registration.email], salt=_SALT)


def registration_from_token(token: str) -> Registration | None:
    """The registration a link confirms, or None (forged, expired, already used, or replaced
    by a later registration to another address)."""
    max_age = timedelta(hours=settings.ESS_REGISTRATION_LINK_HOURS)
    try:
        public_id, email = signing.loads(token, salt=_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        Registration.objects.select_related("entry")
        .filter(public_id=public_id, email=email, status=RegistrationStatus.UNCONFIRMED)
        .first()
    )


def _link(url_name: str, **kwargs) -> str:
    return settings.ESS_BASE_URL + reverse(url_name, kwargs=kwargs)


def _email(*, to: str, template: str, context: dict, language: str = "") -> None:
    email_queue_rendered(to=to, template=template, context=context, html=False, language=language)


def registration_submit(*, identifier: str, email: str, submission_key: str = "") -> Registration:
    """A professional asks for an account. Raises ValidationError (see `registration_check`);
    nothing is written then. A resent form (same `submission_key`) returns the first
    registration; a new request for a professional whose link was not followed yet replaces
    the address and voids the earlier link. After commit: the link is emailed."""
    if submission_key:
        existing = Registration.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing
    check = registration_check(identifier=identifier, email=email)
    try:
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update()
                .filter(entry=check.entry, status=RegistrationStatus.UNCONFIRMED)
                .first()
            ) or Registration(entry=check.entry)
            registration.email = check.email
            registration.in_territory = check.in_territory
            registration.submission_key = submission_key or None
            registration.save()
            link = _link("members:registration_confirm", token=registration_token(registration))
            _email(
                to=registration.email,
                template="registration_link",
                context={
                    "registration": registration,
                    "link": link,
                    "hours": settings.ESS_REGISTRATION_LINK_HOURS,
                },
            )
    except IntegrityError:
        # A concurrent twin (double click) won: answer with it.
        existing = Registration.objects.filter(submission_key=submission_key).first()
        if submission_key and existing:
            return existing
        raise ValidationError(
            {"identifier": _("Une inscription est déjà en cours pour ce numéro.")}
        ) from None
    return registration


def _create_account(registration: Registration, password: str) -> User:
    entry = registration.entry
    if User.objects.filter(email=registration.email).exists() or (
        User.objects.filter(**{entry.id_type: entry.identifier}).exists()
    ):
        raise ValidationError(
            _(
                "Un compte existe déjà pour ce professionnel ou cette adresse. Connectez-vous, ou "
                "utilisez « Mot de passe oublié ? »."
            )
        )
    user = User(
        email=registration.email, is_active=registration.in_territory, **account_fields(entry)
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    roles_grant(user=user, roles=[Role.REQUESTER])
    return user


def _refused(registration: Registration, to: str) -> str:
    return _("Cette inscription est déjà « %(status)s ».") % {
        "status": registration.get_status_display()
    }


@transaction.atomic
def registration_confirm(*, token: str, password: str) -> Registration:
    """The professional follows the emailed link and chooses a password: the requester account
    is created, prefilled from the directory, its address verified. Inside the ESS's
    départements it is usable at once (OPEN); outside, it stays inactive until the coordination
    accepts it (PENDING; coordinators are notified, in the bell and by email as each chose).
    Raises ValidationError (link no longer valid, weak password, an account created meanwhile).
    The link works once."""
    found = registration_from_token(token)
    if found is None:
        raise ValidationError(_("Ce lien n'est plus valable (déjà utilisé, remplacé ou expiré)."))
    registration = workflow.locked(Registration, found.pk)
    if registration.status != RegistrationStatus.UNCONFIRMED:
        raise ValidationError(_("Ce lien a déjà servi."))
    registration.user = _create_account(registration, password)
    to = RegistrationStatus.OPEN if registration.in_territory else RegistrationStatus.PENDING
    workflow.transition(registration, to=to, by=None, note=_("Adresse confirmée"), refused=_refused)
    registration.save(update_fields=["user", "status", "updated_at"])
    if to == RegistrationStatus.OPEN:
        account_opened.send(sender=User, user=registration.user)
    else:
        _tell_coordinators(registration)
    return registration


def _review_key(registration: Registration) -> str:
    return f"registration:{registration.public_id}"


def _tell_coordinators(registration: Registration) -> None:
    """The coordinators' bell (and their emails, as each one chose) links to the list of
    registrations to validate; the first decision settles it for all."""
    entry = registration.entry
    notify(
        recipients=User.objects.filter(
            role_grants__role=Role.COORDINATOR, is_active=True
        ).distinct(),
        kind=NotificationKind.REGISTRATION,
        title=lambda: (
            _("Inscription à valider : %(name)s (%(profession)s, %(place)s)")
            % {
                "name": f"{entry.first_name.title()} {entry.last_name.upper()}",
                "profession": entry.profession_label,
                "place": entry.commune_name,
            }
        ),
        detail=lambda: _(
            "Exerce hors des départements de l'ESS : son compte attend votre décision."
        ),
        url=reverse("members:registration_list"),
        dedupe_key=_review_key(registration),
    )


def _locked_for_reviewer(registration_id: int, by: User) -> Registration:
    registration = workflow.locked(Registration, registration_id)
    require(perms.can_review_registrations(by))
    return registration


@transaction.atomic
def registration_accept(*, registration_id: int, by: User) -> Registration:
    """A coordinator opens the account of a professional practising outside the ESS's
    départements. Raises PermissionDenied, TransitionNotAllowed. After commit: the
    professional is told by email."""
    registration = _locked_for_reviewer(registration_id, by)
    if registration.status == RegistrationStatus.OPEN:
        return registration
    workflow.transition(registration, to=RegistrationStatus.OPEN, by=by, refused=_refused)
    registration.save(update_fields=["status", "updated_at"])
    notifications_settled(dedupe_key=_review_key(registration))
    User.objects.filter(pk=registration.user_id).update(is_active=True)
    account_opened.send(sender=User, user=registration.user)
    _email(
        to=registration.email,
        template="registration_accepted",
        context={"registration": registration, "link": _link("account_login")},
        language=language_of(registration.user),
    )
    return registration


@transaction.atomic
def registration_refuse(*, registration_id: int, by: User, reason: str) -> Registration:
    """A coordinator refuses a registration from outside the ESS's départements (reason
    required). The account, never usable, is deleted; the registration keeps the history and
    the professional may register again. Raises PermissionDenied, TransitionNotAllowed,
    ValidationError (no reason). After commit: the professional gets the reason by email."""
    registration = _locked_for_reviewer(registration_id, by)
    reason = required_text(reason, "reason", _("Indiquez le motif du refus."))
    if registration.status == RegistrationStatus.REFUSED:
        return registration
    workflow.transition(
        registration, to=RegistrationStatus.REFUSED, by=by, note=reason, refused=_refused
    )
    account = registration.user
    registration.user = None
    registration.save(update_fields=["status", "user", "updated_at"])
    notifications_settled(dedupe_key=_review_key(registration))
    if account is not None and not account.is_active and account.last_login is None:
        account.delete()
    _email(
        to=registration.email,
        template="registration_refused",
        context={"registration": registration, "reason": reason},
        language=language_of(account),
    )
    return registration
