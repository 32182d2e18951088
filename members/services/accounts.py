"""Writes on accounts: invitations, roles."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.outbox import email_queue_rendered, language_of
from ess.permissions import can_invite_users, require
from ess.roles import Institution, Role
from members import permissions as perms
from members.hooks import account_opened
from members.models import Invitation, Organisation, RoleGrant, User

_INVITATION_SALT = "members.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=_INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The pending invitation a link points to, or None (tampered, unknown, used or expired)."""
    max_age = timedelta(days=settings.ESS_INVITATION_DAYS)
    try:
        public_id = signing.loads(token, salt=_INVITATION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    invitation = Invitation.objects.filter(public_id=public_id).first()
    return invitation if invitation and invitation.is_usable else None


@transaction.atomic
def invitation_create(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    roles: list[str],
    organisation: Organisation | None = None,
    base_url: str,
) -> Invitation:
    """A manager invites someone: to open an account, or an account that exists already (a
    requester who takes on the coordination) to take on more roles, which its holder accepts
    signed in. Raises PermissionDenied (not a manager) or ValidationError (a disabled account,
    an account holding every role asked, a pending invitation). After commit: the invitation
    email is delivered from the outbox.
    """
    require(can_invite_users(by))
    email = email.strip().lower()
    roles = sorted({Role(r).value for r in roles})
    if not roles:
        raise ValidationError({"roles": _("Choisissez au moins un rôle.")})
    account = User.objects.filter(email=email).first()
    if account is not None and not account.is_active:
        raise ValidationError({"email": _("Le compte de cette adresse est désactivé.")})
    if account is not None and set(roles) <= account.roles:
        raise ValidationError({"roles": _("Ce compte a déjà ces rôles.")})
    check_authority_alone({*roles, *(account.roles if account else ())})
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                roles=roles,
                organisation=organisation,
                invited_by=by,
                expires_at=timezone.now() + timedelta(days=settings.ESS_INVITATION_DAYS),
            )
    except IntegrityError:
        raise ValidationError(
            {"email": _("Une invitation est déjà en attente pour cette adresse.")}
        ) from None
    link = base_url.rstrip("/") + reverse(
        "members:invitation_accept", kwargs={"token": invitation_token(invitation)}
    )
    context = {
        "invitation": invitation,
        "link": link,
        "days": settings.ESS_INVITATION_DAYS,
        "has_account": account is not None,
    }
    email_queue_rendered(
        to=email, template="invitation", context=context, language=language_of(account)
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, by: User, invitation_id: int) -> Invitation:
    require(can_invite_users(by))
    invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_for_account(invitation: Invitation) -> User | None:
    """The account an invitation adds roles to (its address has one), else None."""
    return User.objects.filter(email=invitation.email).first()


@transaction.atomic
def invitation_accept_roles(*, token: str, by: User) -> User:
    """The holder of the invited address's account, signed in, takes on the invited roles.
    Raises ValidationError when the link is no longer valid or is addressed to another
    account."""
    invitation = invitation_from_token(token)
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation is None or not invitation.is_usable:
        raise ValidationError(
            _("Ce lien d'invitation n'est plus valable (déjà utilisé, révoqué ou expiré).")
        )
    if by.email.lower() != invitation.email:
        raise ValidationError(
            _("Cette invitation est adressée à %(email)s : connectez-vous avec ce compte.")
            % {"email": invitation.email}
        )
    roles_grant(user=by, roles=invitation.roles, by=invitation.invited_by)
    invitation.accepted_at = timezone.now()
    invitation.user = by
    invitation.save(update_fields=["accepted_at", "user"])
    return by


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """The invitee sets a password: the account is created with the invited roles, its email
    counted as verified (the link proved it). Raises ValidationError when the link is no longer
    valid; accepting twice never creates two accounts.
    """
    invitation = invitation_from_token(token)
    if invitation is None:
        raise ValidationError(
            _(
                "Ce lien d'invitation n'est plus valable (déjà utilisé, révoqué "
                "ou expiré). Demandez une nouvelle invitation."
            )
        )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("Cette invitation a déjà été utilisée."))
    if invitation_for_account(invitation) is not None:
        raise ValidationError(
            _("Un compte existe déjà pour cette adresse : connectez-vous pour accepter.")
        )
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        organisation=invitation.organisation,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    roles_grant(user=user, roles=invitation.roles, by=invitation.invited_by)
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    account_opened.send(sender=User, user=user)
    return user


def email_role_holders(role: Role, *, template: str, context: dict) -> None:
    """The plain-text email `template` to every active holder of `role`, from the outbox after
    commit (managers told of an application, coordinators of a registration to review)."""
    for user in User.objects.filter(role_grants__role=role, is_active=True).distinct():
        email_queue_rendered(
            to=user.email, template=template, context=context, html=False, language=user.language
        )


def check_authority_alone(roles) -> None:
    """An ARS/CPAM account reads aggregates only: its role goes with no other (each of the
    others opens nominative data). Raises ValidationError."""
    if Role.AUTHORITY in roles and len(set(roles)) > 1:
        raise ValidationError(
            {
                "roles": _(
                    "Le rôle Autorité (ARS/CPAM) ne se cumule avec aucun autre : un compte "
                    "d'autorité ne voit que des chiffres agrégés, jamais de données nominatives."
                )
            }
        )


def roles_grant(*, user: User, roles, by: User | None = None) -> None:
    """Give `user` these roles (those already held are kept as they are). Raises
    ValidationError for a combination an account may not hold (check_authority_alone)."""
    held = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    check_authority_alone(held | {Role(r).value for r in roles})
    for role in set(roles) - held:  # one by one: what lists people by role hears of it
        RoleGrant.objects.create(user=user, role=Role(role), granted_by=by)
    user.__dict__.pop("roles", None)


def institution_set(*, user: User, institution: str) -> User:
    """Attach an authority account to the institution it speaks for (ARS, CPAM), or detach it
    (`institution` empty). Raises ValidationError for an unknown institution."""
    if institution and institution not in Institution.values:
        raise ValidationError({"institution": _("Institution inconnue.")})
    if user.institution != institution:
        user.institution = institution
        user.save(update_fields=["institution"])
    return user


@transaction.atomic
def authority_institution_change(*, by: User, user_id: int, institution: str) -> User:
    """A manager sets (or, empty, clears) the institution an ARS/CPAM account speaks for: what
    it signs for, and which transmissions it receives. Raises PermissionDenied (not a
    manager) or ValidationError (not an authority account, an unknown institution)."""
    require(perms.can_manage_authority_accounts(by))
    user = User.objects.select_for_update().get(pk=user_id)
    if not RoleGrant.objects.filter(user=user, role=Role.AUTHORITY).exists():
        raise ValidationError(_("Ce compte n'est pas un compte de l'ARS ou de la CPAM."))
    return institution_set(user=user, institution=institution)


def roles_revoke(*, user: User, roles) -> None:
    """Take these roles from `user` (a suspended or departed member loses the member roles)."""
    RoleGrant.objects.filter(user=user, role__in=[Role(r) for r in roles]).delete()
    user.__dict__.pop("roles", None)
