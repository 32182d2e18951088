from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ess.permissions import can_invite_users, require
from ess.roles import Institution, Role
from ess.web.actions import form_page, post_action
from ess.web.paging import page_of
from members import services
from members.forms import AuthorityInstitutionForm, InvitationForm, PasswordSetForm
from members.permissions import can_manage_authority_accounts
from members.selectors import (
    authority_account_get_for_user,
    authority_accounts_visible_to,
    invitations_visible_to,
)


@login_required
def invitation_list(request):
    require(can_invite_users(request.user))
    page = page_of(request, invitations_visible_to(request.user), 25)
    return render(request, "members/invitation_list.html", {"page": page})


@login_required
def invitation_create(request):
    require(can_invite_users(request.user))
    return form_page(
        request,
        InvitationForm(request.POST or None),
        lambda data: services.invitation_create(
            by=request.user, base_url=request.build_absolute_uri("/"), **data
        ),
        success=lambda invitation: (
            _("Invitation envoyée à %(email)s.") % {"email": invitation.email}
        ),
        done="members:invitation_list",
        template="members/invitation_form.html",
        context={},
    )


@login_required
@require_POST
def invitation_revoke(request, public_id):
    invitation = get_object_or_404(invitations_visible_to(request.user), public_id=public_id)
    services.invitation_revoke(by=request.user, invitation_id=invitation.pk)
    messages.success(request, _("Invitation révoquée."))
    return redirect("members:invitation_list")


def invitation_accept(request, token):
    """The invitation's link: choose a password to open the account or, for an address that has
    one, accept the roles signed in as that account."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "members/invitation_invalid.html", status=404)
    if services.invitation_for_account(invitation) is not None:
        return _invitation_roles_accept(request, token, invitation)
    return form_page(
        request,
        PasswordSetForm(request.POST or None, person=invitation),
        lambda data: services.invitation_accept(token=token, password=data["password1"]),
        success=_("Votre compte est créé. Connectez-vous."),
        done="account_login",
        template="members/invitation_accept.html",
        context={"invitation": invitation},
    )


def _invitation_roles_accept(request, token, invitation):
    if not request.user.is_authenticated:
        messages.info(
            request,
            _("Connectez-vous avec le compte %(email)s pour accepter l'invitation.")
            % {"email": invitation.email},
        )
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        return post_action(
            request,
            lambda _data: services.invitation_accept_roles(token=token, by=request.user),
            success=_("Invitation acceptée : vos nouveaux rôles sont actifs."),
            back=request.path,
            done="home",
        )
    context = {
        "invitation": invitation,
        "roles": [Role(role).label for role in invitation.roles],
        "other_account": request.user.email.lower() != invitation.email,
    }
    return render(request, "members/invitation_roles.html", context)


@login_required
def authority_list(request):
    """The ARS/CPAM accounts, each with the institution it speaks for (managers)."""
    require(can_manage_authority_accounts(request.user))
    accounts = authority_accounts_visible_to(request.user).order_by("last_name", "first_name", "pk")
    page = page_of(request, accounts, 50)
    return render(
        request,
        "members/authority_list.html",
        {"page": page, "institutions": Institution.choices},
    )


@login_required
@require_POST
def authority_institution(request, public_id):
    """Set or change the institution of one ARS/CPAM account."""
    require(can_manage_authority_accounts(request.user))
    account = authority_account_get_for_user(request.user, public_id)
    return post_action(
        request,
        lambda data: services.authority_institution_change(
            by=request.user, user_id=account.pk, institution=data["institution"]
        ),
        form=AuthorityInstitutionForm(request.POST),
        success=lambda user: (
            _("%(name)s : institution enregistrée (%(institution)s).")
            % {
                "name": user.display_name,
                "institution": user.get_institution_display() or _("aucune"),
            }
        ),
        back=reverse("members:authority_list"),
    )
