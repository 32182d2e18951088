"""The specialists' private calendar feed: a new URL (shown once), revoking it, and the feed
itself, read by calendar apps without signing in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ess.permissions import require
from scheduling import permissions as perms
from scheduling import selectors, services
from scheduling.ical import calendar_for
from scheduling.views.consultations import overview_context


@login_required
@require_POST
def calendar_regenerate(request):
    require(perms.can_have_calendar_feed(request.user))
    token = services.calendar_feed_regenerate(by=request.user)
    url = request.build_absolute_uri(reverse("scheduling:consultation_ical", args=[token]))
    messages.success(
        request,
        _(
            "Nouvelle adresse d'agenda créée : l'ancienne ne fonctionne plus. Copiez-la "
            "maintenant, elle ne sera plus affichée."
        ),
    )
    ctx = overview_context(request.user)
    ctx["feed_url"] = url
    return render(request, "scheduling/consultations.html", ctx)


@login_required
@require_POST
def calendar_revoke(request):
    services.calendar_feed_revoke(by=request.user)
    messages.success(request, _("Adresse d'agenda révoquée."))
    return redirect("scheduling:consultations")


@require_GET
def calendar_feed(request, token):
    """No sign-in (calendar apps cannot): the unguessable token is the credential. It carries
    sessions and appointment times with the referral reference only, never a patient's name."""
    user = selectors.calendar_feed_user(token)
    if user is None:
        raise Http404
    response = HttpResponse(calendar_for(user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
