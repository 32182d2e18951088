import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults, i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import NotFound

from ess.api_auth import (
    token_get_for_user,
    token_issue,
    token_issue_refusal,
    token_revoke,
    tokens_of,
)
from ess.forms import ApiTokenForm, NotificationPreferencesForm
from ess.models import AuditOutcome, Notification
from ess.notifications import notification_mark_read
from ess.outbox import outbox_oldest_pending_age
from ess.permissions import can_view_audit, require
from ess.security_middleware import fhir_error
from ess.selectors import audit_events_visible_to, communes_search
from ess.web.form_pages import shown_once_page
from ess.web.paging import page_of

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request):
    """200 when the database (and Redis where configured) answer; 503 otherwise.

    Also reports `outbox_oldest_pending_seconds`, the age of the oldest email not yet delivered
    (null when none is waiting): growing past a few minutes means no worker or no beat is
    delivering (broker down, beat missing, SMTP refusing). It informs; it never turns the probe
    red, so a mail outage does not restart healthy web containers.
    """
    checks = {}
    oldest_pending = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        oldest_pending = outbox_oldest_pending_age()
    except Exception:  # any failure means "down" for a probe
        logger.exception("healthz: database check failed")
        checks["database"] = "error"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
            ).ping()
            checks["redis"] = "ok"
        except Exception:
            logger.exception("healthz: redis check failed")
            checks["redis"] = "error"
    else:
        checks["redis"] = "not_configured"
    healthy = all(v != "error" for v in checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            **checks,
            "outbox_oldest_pending_seconds": (
                int(oldest_pending.total_seconds()) if oldest_pending is not None else None
            ),
        },
        status=200 if healthy else 503,
    )


@require_GET
def commune_options(request):
    """<option>s for a commune picker's datalist (htmx): name or postcode, as typed.

    Open without an account: communes are public reference data, and the public membership
    application form uses the picker."""
    # htmx sends the input under its own name ("commune", "sites-0-commune" in a formset,
    # "birth_place_code"): a picker's request holds that one value; the API-style "q" works too.
    typed = request.GET.get("q") or next(
        (v for k, v in request.GET.items() if k.endswith("commune")),
        next(iter(request.GET.values()), "") if len(request.GET) == 1 else "",
    )
    communes = communes_search(typed)
    return render(request, "ess/_commune_options.html", {"communes": communes})


# What a commune picker's list shows at most: enough to choose, short enough to read out.
COMMUNE_SUGGESTIONS = 10


@require_GET
def commune_search(request):
    """Communes whose name or postcode starts with `q`, largest first, as JSON for the commune
    and birth-place pickers (static/js/combobox.js). `value` is what the field then holds and
    the server reads back; `label` what the list shows.

    Open without an account, like `commune_options`: public reference data."""
    communes = communes_search(request.GET.get("q", ""), limit=COMMUNE_SUGGESTIONS)
    return JsonResponse({"results": [_suggestion(commune) for commune in communes]})


def _suggestion(commune) -> dict:
    where = commune.main_postal_code or commune.departement_id
    return {
        "value": commune.label,
        "label": f"{commune.name} ({where})",
        "detail": commune.departement.name,
    }


# The trail grows by millions of reads: its page counts this many events at most.
AUDIT_COUNT_CAP = 1000


@login_required
@require_GET
def audit_list(request):
    require(can_view_audit(request.user))
    events = audit_events_visible_to(request.user).select_related("actor")
    actor = request.GET.get("acteur", "").strip()
    if actor:
        events = events.filter(actor_email__istartswith=actor)
    object_id = request.GET.get("objet", "").strip()
    if object_id:
        events = events.filter(object_id=object_id)
    outcome = request.GET.get("resultat", "")
    if outcome in AuditOutcome.values:
        events = events.filter(outcome=outcome)
    else:
        outcome = ""
    page = page_of(request, events, 50, count_cap=AUDIT_COUNT_CAP)
    return render(
        request,
        "ess/audit_list.html",
        {
            "page": page,
            "actor": actor,
            "object_id": object_id,
            "outcome": outcome,
            "outcomes": AuditOutcome.choices,
        },
    )


# ---------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def notification_list(request):
    page = page_of(request, Notification.objects.filter(recipient=request.user), 30)
    return render(request, "ess/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, public_id=None):
    """Mark one notification (then follow its link) or all of them as read."""
    notification_mark_read(user=request.user, public_id=public_id)
    if public_id is not None:
        target = Notification.objects.filter(
            recipient=request.user, public_id=public_id
        ).values_list("url", flat=True)
        url = target.first()
        if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            return redirect(url)
    return redirect("notification_list")


def set_language(request):
    """Django's language switch; a signed-in person's choice also becomes the language of the
    notifications and emails they receive."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response


@login_required
def notification_preferences(request):
    form = NotificationPreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Préférences enregistrées."))
        return redirect("notification_preferences")
    return render(request, "ess/notification_preferences.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# API tokens of the signed-in user
# ---------------------------------------------------------------------------------------------
@login_required
@never_cache
def api_tokens(request):
    """List the user's tokens and create one; the new token's key is shown once."""

    def issue(data: dict) -> dict:
        token, key = token_issue(user=request.user, **data)
        return {"token": token, "key": key}

    return shown_once_page(
        request,
        ApiTokenForm,
        issue,
        template="ess/api_tokens.html",
        context=lambda: {
            "tokens": tokens_of(request.user),
            "refusal": token_issue_refusal(request.user),
            "now": timezone.now(),
        },
    )


@login_required
def api_token_revoke(request, public_id):
    """GET asks for confirmation, POST revokes (another user's token: 404)."""
    token = token_get_for_user(request.user, public_id)
    if request.method == "POST":
        token_revoke(token=token)
        messages.success(
            request,
            _("Jeton « %(name)s » révoqué : il ne donne plus accès à l'API.")
            % {"name": token.name},
        )
        return redirect("api_tokens")
    return render(request, "ess/api_token_revoke.html", {"token": token})


def page_not_found(request, exception):
    """No URL matches: under /api/, the JSON body every API 404 has (an identifier that is not
    one, such as `/api/v1/referrals/0.5/`, never reaches a view); under /fhir/, an
    OperationOutcome (a resource type it does not serve, such as `Patient/<id>`); elsewhere
    Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    if request.path.startswith("/fhir/"):
        return fhir_error(
            _(
                "Aucune ressource à cette adresse : l'interface FHIR ne sert que les ressources "
                "et les recherches de sa déclaration de capacités (/fhir/metadata)."
            ),
            status=404,
            code="not-found",
        )
    return defaults.page_not_found(request, exception)
