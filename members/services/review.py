"""Writes on memberships after the application: a manager's review, the new member's
activation, the member's life in the ESS (suspension, reinstatement, departure).

Transition services follow docs/architecture.md through the workflow core (ess.workflow).
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.errors import TransitionNotAllowed
from ess.outbox import language_of
from ess.permissions import require
from ess.text import required_text
from members import permissions as perms
from members.models import Membership, MembershipStatus, User
from members.services.accounts import roles_grant, roles_revoke
from members.services.membership import (
    ACTIVATION_SALT,
    APPLICATION_SALT,
    MEMBER_ROLES,
    _email,
    _link,
    _locked,
    _locked_for_manager,
    _transition,
    member_role_for,
    membership_from_token,
    membership_token,
)


# ---------------------------------------------------------------------------------------------
# Review by a manager
# ---------------------------------------------------------------------------------------------
def _sync_account(membership: Membership, user: User) -> None:
    """The account carries the professional identity the rest of the platform reads."""
    holder = (
        User.objects.filter(rpps=membership.rpps).exclude(pk=user.pk).first()
        if membership.rpps
        else None
    )
    if holder is not None:
        # Said to the manager reviewing the application, who runs the accounts anyway.
        raise ValidationError(
            {
                "rpps": _(
                    "Ce numéro RPPS est déjà celui du compte de %(name)s (%(email)s) : demandez "
                    "une candidature depuis cette adresse, ou des compléments, plutôt que de "
                    "valider celle-ci."
                )
                % {"name": holder.display_name, "email": holder.email}
            }
        )
    user.first_name = membership.first_name
    user.last_name = membership.last_name
    user.phone = membership.phone or user.phone
    user.profession = membership.profession
    user.rpps = membership.rpps
    user.adeli = membership.adeli
    user.specialty = membership.specialty
    user.save(
        update_fields=[
            "first_name",
            "last_name",
            "phone",
            "profession",
            "rpps",
            "adeli",
            "specialty",
        ]
    )


@transaction.atomic
def membership_validate(*, membership_id: int, by: User, base_url: str) -> Membership:
    """A manager validates an application: the account is created (or the existing one with this
    email reused) and gets the member role (specialist, or paramedic for IPA/IDE).

    A new account gets an email with a link to set its password; the membership is active once
    that is done. An existing account is active at once. Raises PermissionDenied,
    TransitionNotAllowed, ValidationError (RPPS already held by another account).
    """
    membership = _locked_for_manager(membership_id, by)
    if membership.status in (MembershipStatus.VALIDATED, MembershipStatus.ACTIVE):
        return membership  # retried request
    _transition(membership, to=MembershipStatus.VALIDATED, by=by)
    membership_admit(membership, by=by, base_url=base_url, holder_confirms=True)
    membership.save(update_fields=["status", "user", "joined_at", "updated_at"])
    return membership


def _email_link(membership: Membership, user: User, *, template: str, base_url: str) -> None:
    """The email carrying the membership's activation link (`members:activate`)."""
    link = _link(base_url, "members:activate", membership_token(membership, ACTIVATION_SALT))
    _email(
        to=membership.email,
        template=template,
        context={"membership": membership, "link": link, "days": settings.ESS_INVITATION_DAYS},
        language=language_of(user),
    )


def membership_admit(
    membership: Membership, *, by: User, base_url: str, holder_confirms: bool = False
) -> None:
    """Give a validated membership its account and member role (the caller saves the row).

    A new account gets an email with a link to set its password (the membership stays
    "validated" until then). An existing account with this email: with `holder_confirms` (an
    application anyone may have sent with that address), nothing of the account changes until
    its holder, signed in, confirms from the link emailed to it (`membership_confirm`);
    otherwise (the manager's own import) it becomes active at once."""
    user = User.objects.filter(email=membership.email).first()
    if user is not None and holder_confirms:
        membership.user = user
        _email_link(membership, user, template="membership_confirm", base_url=base_url)
        return
    is_new = user is None
    if is_new:
        user = User.objects.create_user(email=membership.email, password=None)
        EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    _sync_account(membership, user)
    roles_grant(user=user, roles=[member_role_for(membership.profession)], by=by)
    membership.user = user
    membership.joined_at = membership.joined_at or timezone.now()
    if is_new:
        _email_link(membership, user, template="membership_activation", base_url=base_url)
    else:
        _transition(membership, to=MembershipStatus.ACTIVE, by=by, note=_("Compte existant"))
        _email(
            to=membership.email,
            template="membership_welcome",
            context={"membership": membership},
            language=language_of(user),
        )


def membership_for_existing_account(membership: Membership) -> bool:
    """A validated membership whose address was an account's before (its holder confirms,
    signed in), rather than an account created for it (the new member sets its password)."""
    user = membership.user
    return user is not None and (user.has_usable_password() or user.last_login is not None)


@transaction.atomic
def membership_activate(*, token: str, password: str) -> User:
    """The validated applicant sets their password from the emailed link: the membership
    becomes active, the email address counts as verified. Raises ValidationError (link no
    longer valid, weak password). The link works once."""
    found = membership_from_token(token, salt=ACTIVATION_SALT, status=MembershipStatus.VALIDATED)
    if found is None:
        raise ValidationError(
            _("Ce lien d'activation n'est plus valable (déjà utilisé ou expiré).")
        )
    membership = _locked(found.pk)
    if membership.status != MembershipStatus.VALIDATED:
        raise ValidationError(_("Ce compte est déjà activé."))
    user = User.objects.select_for_update().get(pk=membership.user_id)
    if membership_for_existing_account(membership):
        raise ValidationError(_("Ce compte existait déjà : connectez-vous pour confirmer."))
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user, email=user.email).update(verified=True)
    _transition(membership, to=MembershipStatus.ACTIVE, by=user, note=_("Compte activé"))
    membership.save(update_fields=["status", "updated_at"])
    return user


@transaction.atomic
def membership_confirm(*, token: str, by: User) -> Membership:
    """The holder of an existing account, signed in, confirms the application validated for
    their address: the account takes the application's professional identity and the member
    role, the membership is active. Raises ValidationError (link no longer valid, another
    account signed in, RPPS held by another account). The link works once."""
    found = membership_from_token(token, salt=ACTIVATION_SALT, status=MembershipStatus.VALIDATED)
    if found is None:
        raise ValidationError(_("Ce lien n'est plus valable (déjà utilisé ou expiré)."))
    membership = _locked(found.pk)
    if membership.status != MembershipStatus.VALIDATED:
        raise ValidationError(_("Cette adhésion est déjà confirmée."))
    if membership.user_id != by.pk:
        raise ValidationError(
            _("Ce lien confirme l'adhésion du compte %(email)s : connectez-vous avec ce compte.")
            % {"email": membership.email}
        )
    user = User.objects.select_for_update().get(pk=by.pk)
    _sync_account(membership, user)
    roles_grant(user=user, roles=[member_role_for(membership.profession)], by=user)
    membership.joined_at = membership.joined_at or timezone.now()
    _transition(membership, to=MembershipStatus.ACTIVE, by=user, note=_("Confirmée par le compte"))
    membership.save(update_fields=["status", "joined_at", "updated_at"])
    return membership


@transaction.atomic
def membership_request_changes(
    *, membership_id: int, by: User, note: str, base_url: str
) -> Membership:
    """A manager sends the application back with what to change; the applicant gets a link to
    complete it. Raises PermissionDenied, TransitionNotAllowed, ValidationError (no note)."""
    membership = _locked_for_manager(membership_id, by)
    note = required_text(note, "note", _("Précisez ce qui doit être complété ou corrigé."))
    if membership.status == MembershipStatus.CHANGES_REQUESTED:
        return membership
    _transition(membership, to=MembershipStatus.CHANGES_REQUESTED, by=by, note=note)
    membership.note = note
    membership.save(update_fields=["status", "note", "updated_at"])
    link = _link(base_url, "members:apply_again", membership_token(membership, APPLICATION_SALT))
    _email(
        to=membership.email,
        template="membership_changes_requested",
        context={"membership": membership, "link": link, "note": membership.note},
        language=language_of(membership.user),
    )
    return membership


@transaction.atomic
def membership_refuse(*, membership_id: int, by: User, reason: str) -> Membership:
    """A manager refuses an application, with a reason sent to the applicant."""
    membership = _locked_for_manager(membership_id, by)
    reason = required_text(reason, "reason", _("Indiquez le motif du refus."))
    if membership.status == MembershipStatus.REFUSED:
        return membership
    _transition(membership, to=MembershipStatus.REFUSED, by=by, note=reason)
    membership.note = reason
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "note", "ended_at", "updated_at"])
    _email(
        to=membership.email,
        template="membership_refused",
        context={"membership": membership, "reason": membership.note},
        language=language_of(membership.user),
    )
    return membership


@transaction.atomic
def membership_suspend(*, membership_id: int, by: User, reason: str) -> Membership:
    """A manager suspends a member (reason required): out of the directory, the member role is
    withdrawn until reinstatement."""
    membership = _locked_for_manager(membership_id, by)
    reason = required_text(reason, "reason", _("Indiquez le motif de la suspension."))
    if membership.status == MembershipStatus.SUSPENDED:
        return membership
    _transition(membership, to=MembershipStatus.SUSPENDED, by=by, note=reason)
    roles_revoke(user=membership.user, roles=MEMBER_ROLES)
    membership.note = reason
    membership.save(update_fields=["status", "note", "updated_at"])
    return membership


@transaction.atomic
def membership_reinstate(*, membership_id: int, by: User) -> Membership:
    """A manager lifts a suspension: the member role comes back."""
    membership = _locked_for_manager(membership_id, by)
    if membership.status == MembershipStatus.ACTIVE:
        return membership
    if membership.status != MembershipStatus.SUSPENDED:
        raise TransitionNotAllowed(_("Seul un membre suspendu peut être réintégré."))
    _transition(membership, to=MembershipStatus.ACTIVE, by=by, note=_("Réintégration"))
    roles_grant(user=membership.user, roles=[member_role_for(membership.profession)], by=by)
    membership.save(update_fields=["status", "updated_at"])
    return membership


@transaction.atomic
def membership_leave(*, membership_id: int, by: User, reason: str = "") -> Membership:
    """The member leaves (or a manager records the departure). The history, the account and
    its past cases stay; the member role and current governance functions end."""
    membership = _locked(membership_id)
    require(perms.can_leave_membership(by, membership))
    if membership.status == MembershipStatus.LEFT:
        return membership
    _transition(membership, to=MembershipStatus.LEFT, by=by, note=reason.strip())
    if membership.user_id:
        roles_revoke(user=membership.user, roles=MEMBER_ROLES)
    today = timezone.localdate()
    membership.governance_roles.filter(ends_on=None).update(ends_on=today)
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "ended_at", "updated_at"])
    return membership
