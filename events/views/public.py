"""The public side of trainings: the list (with the campaigns under way), a training's page,
registering, the registrant's page reached by its emailed link (confirm, cancel), a signed-in
user's registrations, and the public calendar feed.

Each view validates the shape of the input, calls one service, renders. A training is found
through selectors.training_get_for_user (404 for a draft or a cancelled one, unless the user
runs the ESS's events); a registration by its unguessable `public_id`, the secret of the links
its emails carry. GET never writes: confirming an address is a POST from the page the link
opens (mail scanners follow links)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ess.flash import flash_error
from ess.models import Specialty
from ess.throttle import throttled_response
from ess.web.forms import add_service_errors
from events.forms import RegistrationForm
from events.ical import trainings_calendar
from events.models import RegistrationStatus, TrainingKind, TrainingStatus
from events.permissions import attendance_offered, can_download_certificate, can_manage_events
from events.selectors.manage import trainings_spoken_at
from events.selectors.trainings import (
    current_public_campaigns,
    ical_trainings,
    places_left,
    profession_labels,
    registration_by_link,
    registration_of_user,
    registrations_of,
    training_get_for_user,
    upcoming_trainings,
)
from events.services import registrations as services


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
def training_list(request):
    specialty_id = _int_or_none(request.GET.get("specialite"))
    kind = request.GET.get("format", "")
    context = {
        "trainings": upcoming_trainings(specialty_id=specialty_id, kind=kind),
        "campaigns": list(current_public_campaigns()),
        "specialties": [(str(s.pk), s.label) for s in Specialty.objects.order_by("label")],
        "kinds": TrainingKind.choices,
        "selected_specialty": str(specialty_id or ""),
        "selected_kind": kind if kind in TrainingKind.values else "",
    }
    return render(request, "events/registrations_list.html", context)


def _detail_context(request, training, form=None) -> dict:
    registration = registration_of_user(request.user, training)
    is_open = training.status == TrainingStatus.PUBLISHED and training.starts_at > timezone.now()
    if form is None and not request.user.is_authenticated and is_open:
        form = RegistrationForm()
    left = places_left(training)
    return {
        "training": training,
        "places_left": left,
        "is_full": left == 0,
        "is_open": is_open,
        "professions": profession_labels(training),
        "speakers": list(training.speakers.all()),
        "partners": list(training.partners.all()),
        "my_registration": registration,
        "form": form,
        "can_manage": can_manage_events(request.user),
        "can_take_attendance": attendance_offered(request.user, training),
    }


@require_GET
def training_detail(request, public_id):
    training = training_get_for_user(request.user, public_id)
    return render(request, "events/registrations_detail.html", _detail_context(request, training))


@require_POST
def register(request, public_id):
    """Signed in: one click, a place or the waiting list at once. Otherwise the form, and an
    email whose link confirms the address (throttled per client address)."""
    training = training_get_for_user(request.user, public_id)
    back = reverse("events:detail", args=[training.public_id])
    if request.user.is_authenticated:
        try:
            registration = services.registration_create(training_id=training.pk, by=request.user)
        except ValidationError as exc:
            flash_error(request, exc)
            return redirect(back)
        messages.success(request, _status_message(registration))
        return redirect("events:registration", registration.public_id)
    if throttled := throttled_response(request, action="event_registration"):
        return throttled
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            registration = services.registration_create(
                training_id=training.pk, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(
                request,
                "events/registrations_sent.html",
                {"training": training, "email": registration.email},
            )
    return render(
        request, "events/registrations_detail.html", _detail_context(request, training, form)
    )


def _status_message(registration) -> str:
    if registration.status == RegistrationStatus.WAITLISTED:
        return _("La formation est complète : vous êtes inscrit·e sur la liste d'attente.")
    return _("Votre inscription est confirmée.")


@require_GET
def registration_page(request, public_id):
    registration = registration_by_link(public_id)
    training = registration.training
    active = registration.status != RegistrationStatus.CANCELLED
    context = {
        "registration": registration,
        "training": training,
        "show_video": registration.status == RegistrationStatus.CONFIRMED
        and bool(training.video_url),
        "can_cancel": active
        and training.status == TrainingStatus.PUBLISHED
        and training.starts_at > timezone.now(),
        "is_pending": registration.status == RegistrationStatus.PENDING,
        "can_download_certificate": can_download_certificate(request.user, registration),
    }
    return render(request, "events/registrations_registration.html", context)


@require_http_methods(["GET", "POST"])
def registration_confirm(request, public_id):
    """The link of the confirmation email: a page with a button (GET), the confirmation
    (POST)."""
    registration = registration_by_link(public_id)
    page = reverse("events:registration", args=[registration.public_id])
    if request.method == "GET":
        if registration.status != RegistrationStatus.PENDING:
            return redirect(page)
        return render(
            request,
            "events/registrations_confirm.html",
            {"registration": registration, "training": registration.training},
        )
    try:
        registration = services.registration_confirm(registration_id=registration.pk)
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect(page)
    messages.success(request, _status_message(registration))
    return redirect(page)


@require_POST
def registration_cancel(request, public_id):
    registration = registration_by_link(public_id)
    page = reverse("events:registration", args=[registration.public_id])
    try:
        services.registration_cancel(registration_id=registration.pk, by=request.user)
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect(page)
    messages.success(request, _("Votre inscription est annulée."))
    return redirect(page)


@login_required
@require_GET
def my_registrations(request):
    return render(
        request,
        "events/registrations_mine.html",
        {
            "registrations": [
                (registration, can_download_certificate(request.user, registration))
                for registration in registrations_of(request.user)
            ],
            "speaking": list(trainings_spoken_at(request.user)),
        },
    )


@require_GET
def ical(request):
    """Anyone's calendar app may subscribe: published trainings only, as on the list."""
    response = HttpResponse(
        trainings_calendar(ical_trainings()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="formations.ics"'
    return response
