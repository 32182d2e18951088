"""From a Pro Santé Connect identity to an account of the platform.

The identity is the national identifier PSC asserts ("8" + RPPS, "0" + ADELI):
- an account already linked to that identifier, or holding that RPPS/ADELI, is the one signed in;
- otherwise the professional must be in the national directory's copy (`DirectoryEntry`): a
  requester account is opened at once, prefilled from the directory (names, profession,
  identifier); the email address comes from PSC, or is asked on allauth's sign-up form;
- a professional unknown to the directory is refused with a clear message, nothing is created.

After the sign-in, the session remembers where to end the PSC session at logout
(RP-initiated logout: end_session_endpoint with id_token_hint and post_logout_redirect_uri).
"""

from urllib.parse import urlencode

from allauth.account.signals import user_logged_in
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

from ess.auth import IDP_LOGOUT_SESSION_KEY, demo_accounts_allowed
from ess.roles import Role
from members.models import DirectoryEntry, User
from members.psc.identity import PROVIDER_ID
from members.psc.views import PSCRefusal
from members.services.accounts import roles_grant
from members.services.professionals import account_fields

_DIRECTORY_STATE_KEY = "directory_entry"


def _refuse(request, message: str):
    context = {"auth_error": {"exception": PSCRefusal(message)}}
    response = render(request, "socialaccount/authentication_error.html", context, status=403)
    raise ImmediateHttpResponse(response)


def user_with_national_id(national_id: str) -> User | None:
    """The account holding this RPPS ("8" + RPPS) or ADELI ("0" + ADELI), if any."""
    prefix, number = national_id[:1], national_id[1:]
    if not number:
        return None
    if prefix == "8":
        return User.objects.filter(rpps=number).first()
    if prefix == "0":
        return User.objects.filter(adeli=number).first()
    return None


class PSCSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Only a professional found in the directory opens an account (pre_social_login).
        return _DIRECTORY_STATE_KEY in (sociallogin.state or {})

    def pre_social_login(self, request, sociallogin):
        if sociallogin.account.provider != PROVIDER_ID:
            return
        national_id = sociallogin.account.uid
        user = sociallogin.user if sociallogin.is_existing else user_with_national_id(national_id)
        if user is not None:
            if user.is_demo and not demo_accounts_allowed():
                _refuse(
                    request, _("Les comptes de démonstration sont désactivés sur cette instance.")
                )
            if not sociallogin.is_existing:
                sociallogin.connect(request, user)
            return
        entry = DirectoryEntry.objects.filter(national_id=national_id).first()
        if entry is None:
            _refuse(
                request,
                _(
                    "Votre identifiant national (%(id)s) ne figure pas dans l'annuaire des "
                    "professionnels de santé connu de la plateforme : aucun compte n'a été créé. "
                    "Contactez la coordination de l'ESS."
                )
                % {"id": national_id},
            )
        sociallogin.state[_DIRECTORY_STATE_KEY] = entry.pk
        for name, value in account_fields(entry).items():
            setattr(sociallogin.user, name, value)

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        roles_grant(user=user, roles=[Role.REQUESTER])
        return user


@receiver(user_logged_in, dispatch_uid="members_psc_logout_url")
def _remember_where_to_log_out(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None or sociallogin.account.provider != PROVIDER_ID:
        return
    state = sociallogin.state or {}
    endpoint, id_token = state.get("end_session_endpoint"), state.get("id_token")
    if endpoint and id_token:
        query = urlencode(
            {"id_token_hint": id_token, "post_logout_redirect_uri": request.build_absolute_uri("/")}
        )
        request.session[IDP_LOGOUT_SESSION_KEY] = f"{endpoint}?{query}"
