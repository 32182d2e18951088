"""Reports sent to the ARS/CPAM: the sending of the quarterly report (managers), the archive
(managers: every one; authority users: those addressed to their institution) and the audited
download of the exact PDF sent. The health project's version is sent from its own page
(project/views.py), through the same service."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ess.permissions import require
from ess.web.actions import post_action
from ess.web.paging import page_of
from projet_sante.indicators import permissions as perms
from projet_sante.indicators.forms import TransmissionForm
from projet_sante.indicators.periods import PeriodError
from projet_sante.indicators.transmissions import (
    report_transmit,
    transmission_get_for_user,
    transmission_list,
)
from projet_sante.indicators.views import posted_quarter


def transmitted(transmission) -> str:
    return _("Document transmis (%(institutions)s) : %(title)s.") % {
        "institutions": transmission.institutions_display,
        "title": transmission.title,
    }


def send_report(request, *, kind: str, key: str, back: str):
    """The POST of the sending form: the service's refusal (a double submission…) is told on
    `back`; on success, the archive."""
    return post_action(
        request,
        lambda data: report_transmit(
            kind=kind,
            key=key,
            institutions=data["institutions"],
            message=data["message"],
            by=request.user,
        ),
        form=TransmissionForm(request.POST),
        success=transmitted,
        back=back,
        done=reverse("projet_sante:transmissions"),
        label_errors=False,
    )


@login_required
@require_POST
def report_quarterly_transmit(request):
    """Send the quarterly report of a quarter to the ARS and/or the CPAM."""
    require(perms.can_transmit_reports(request.user))
    try:
        period = posted_quarter(request)
    except PeriodError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    back = reverse("projet_sante:indicators") + f"?periode={period.key}"
    return send_report(request, kind="quarterly", key=period.key, back=back)


@login_required
@require_GET
def transmission_list_view(request):
    require(perms.can_view_transmissions(request.user))
    page = page_of(request, transmission_list(request.user), 25)
    return render(
        request,
        "projet_sante/indicators/transmission_list.html",
        {"page": page, "can_transmit": perms.can_transmit_reports(request.user)},
    )


@login_required
@require_GET
def transmission_download(request, public_id):
    """The PDF exactly as it was sent (audited)."""
    require(perms.can_view_transmissions(request.user))
    transmission = transmission_get_for_user(request.user, public_id)
    return transmission.download(
        request, label=f"transmission:{transmission.kind}:{transmission.key}"
    )
