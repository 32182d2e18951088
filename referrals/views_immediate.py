"""Immediate opinions ("avis immédiat"): the requester's page that asks the specialist on call,
the specialist's answer to the alert (call back, video room), and what the referral page shows
of it to each side."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ess.permissions import require
from ess.validators import format_phone
from referrals import permissions as perms
from referrals import services
from referrals.forms import specialty_choices
from referrals.forms_immediate import ImmediateForm, immediate_input
from referrals.models import AcknowledgeMode, ImmediateAlert, ImmediateRequest, Status
from referrals.views_common import send_request, take_case
from scheduling.selectors import next_on_call_starts, specialties_on_call


def _openings(now) -> list[dict]:
    """The ESS's specialties: on call now, or when their next on-call duty starts."""
    on_call = specialties_on_call(now)
    starts = next_on_call_starts(now)
    return [
        {"specialty": s, "on_call": s.pk in on_call, "opens": starts.get(s.pk)}
        for s in specialty_choices()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def immediate_request(request):
    """Ask the specialist on call for an immediate opinion; outside on-call hours, when it
    opens and the ordinary form instead."""
    require(perms.can_submit_referral(request.user))
    now = timezone.now()
    openings = _openings(now)
    open_ids = [o["specialty"].pk for o in openings if o["on_call"]]
    context = {"openings": openings, "form": None}
    if not open_ids:
        return render(request, "referrals/immediate_form.html", context)
    form = ImmediateForm(
        request.POST or None,
        user=request.user,
        specialties=specialty_choices().filter(pk__in=open_ids),
    )
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sent = send_request(
            form,
            lambda: services.immediate_submit(
                by=request.user,
                data=immediate_input(data),
                callback_phone=data["callback_phone"],
                idempotency_key=f"immediate:{data['submission_key']}",
            ),
        )
        if sent is not None:
            referral, created = sent
            if created:
                messages.success(
                    request,
                    _(
                        "Demande d'avis immédiat %(ref)s envoyée : %(who)s, de garde, a reçu "
                        "l'alerte et vous rappelle au %(phone)s."
                    )
                    % {
                        "ref": referral.reference,
                        "who": referral.offered_to.display_name,
                        "phone": format_phone(data["callback_phone"]),
                    },
                )
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(request, "referrals/immediate_form.html", context)


def immediate_panel(user, referral) -> dict | None:
    """What the referral page shows of an immediate opinion to `user`: who calls back or the
    video room, the number to call, the answers to the alert they may give, the alerts sent."""
    if not referral.immediate:
        return None
    request = ImmediateRequest.objects.get(referral=referral)
    staff = perms.can_view_internal_notes(user, referral)
    holds = referral.specialist_id == user.pk
    can_answer = perms.can_acknowledge_immediate(user, referral)
    return {
        "request": request,
        "phone": format_phone(request.callback_phone),
        "waiting": referral.status == Status.TRIAGED,
        "answered": referral.answered_at is not None or not referral.is_open,
        "staff": staff,
        "can_acknowledge": can_answer and referral.status == Status.TRIAGED,
        "can_open_video": bool(settings.ESS_VIDEO_BASE_URL)
        and can_answer
        and (referral.status == Status.TRIAGED or holds)
        and request.mode != AcknowledgeMode.VIDEO,
        "video_url": request.video_url if request.mode == AcknowledgeMode.VIDEO else "",
        "alerts": list(ImmediateAlert.objects.filter(referral=referral).select_related("recipient"))
        if perms.can_triage_referral(user)
        else [],
    }


def _acknowledge_view(mode: str, success):
    """The POST of one answer to the alert (`mode`): the specialist takes the case."""

    @login_required
    @require_POST
    def view(request, public_id):
        return take_case(request, public_id, services.immediate_acknowledge, success, mode=mode)

    view.__name__ = view.__qualname__ = f"immediate_{mode}"
    return view


immediate_callback = _acknowledge_view(
    AcknowledgeMode.CALLBACK,
    gettext_lazy("Vous prenez la demande : le demandeur sait que vous le rappelez."),
)
immediate_video = _acknowledge_view(
    AcknowledgeMode.VIDEO, gettext_lazy("Salle vidéo ouverte : le demandeur y est invité.")
)
