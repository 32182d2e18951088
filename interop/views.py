"""The managers' page of the platforms connected to `/fhir/`: register one (its token shown
once), give it a new token, revoke it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ess.permissions import require
from ess.web.form_pages import shown_once_page
from interop.forms import PlatformForm
from interop.models import Platform
from interop.permissions import can_manage_platforms
from interop.platforms import register_platform, revoke_platform


def _platform(request, public_id) -> Platform:
    require(can_manage_platforms(request.user))
    return get_object_or_404(Platform, public_id=public_id)


@login_required
@never_cache
def platform_list(request):
    """The platforms and the form that registers one. A new token is in this response only:
    the page is rendered, not redirected, so the token is never stored in clear."""
    require(can_manage_platforms(request.user))

    def issue(data: dict) -> dict:
        platform, token = register_platform(
            name=data["name"],
            scopes=data["scopes"],
            certificate_fingerprint=data["certificate"],
            contact_email=data["contact_email"],
        )
        return {"platform": platform, "token": token}

    return shown_once_page(
        request,
        PlatformForm,
        issue,
        template="interop/platforms.html",
        context=lambda: {
            "platforms": Platform.objects.order_by("revoked_at", "name"),
            "fhir_base": request.build_absolute_uri("/fhir/"),
        },
    )


@login_required
@never_cache
def platform_token(request, public_id):
    """GET asks for confirmation; POST replaces the token (the old one stops working) and shows
    the new one once."""
    platform = _platform(request, public_id)
    if not platform.is_active:
        messages.error(request, _("Cette plateforme est révoquée : elle ne reçoit plus de jeton."))
        return redirect("interop:platforms")
    token = platform.issue_token() if request.method == "POST" else None
    return render(request, "interop/platform_token.html", {"platform": platform, "token": token})


@login_required
def platform_revoke(request, public_id):
    """GET asks for confirmation, POST revokes: its token and certificate are refused."""
    platform = _platform(request, public_id)
    if request.method == "POST" and platform.is_active:
        revoke_platform(platform)
        messages.success(
            request,
            _("Plateforme « %(name)s » révoquée : elle n'a plus accès à l'interface FHIR.")
            % {"name": platform.name},
        )
        return redirect("interop:platforms")
    return render(request, "interop/platform_revoke.html", {"platform": platform})
