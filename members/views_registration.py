"""Self-registration of professionals (public) and the coordination's review of those from
outside the ESS's départements. Each view validates the shape of the input, calls one service,
renders."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ess.notifications import notifications_mark_read_for_page
from ess.throttle import throttled_response
from ess.web.actions import PageActions, form_page
from ess.web.forms import add_service_errors
from members import forms
from members import permissions as perms
from members.models import RegistrationStatus
from members.selectors import (
    registration_get_for_user,
    registrations_decided,
    registrations_to_review,
)
from members.services import registration as services


def register(request):
    """The form (no account needed, throttled per IP): the number and the address, then what
    the directory says of the professional, to confirm."""
    if throttled := throttled_response(request, action="registration"):
        return throttled
    form = forms.RegistrationForm(request.POST or None)
    check = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["confirmed"]:
                services.registration_submit(
                    identifier=data["identifier"],
                    email=data["email"],
                    submission_key=data["submission_key"],
                )
                return redirect("members:registration_sent")
            check = services.registration_check(identifier=data["identifier"], email=data["email"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "members/registration_form.html", {"form": form, "check": check})


@require_GET
def registration_sent(request):
    return render(request, "members/registration_sent.html")


def registration_confirm(request, token):
    """The emailed link: the professional checks their identity and chooses a password."""
    registration = services.registration_from_token(token)
    if registration is None:
        return render(request, "members/registration_link_invalid.html", status=404)

    def done(result):
        return "account_login" if result.status == RegistrationStatus.OPEN else "home"

    def success(result):
        if result.status == RegistrationStatus.OPEN:
            return _(
                "Votre compte est ouvert. Connectez-vous avec votre adresse et ce mot de passe."
            )
        return _(
            "Adresse confirmée. Vous exercez hors du territoire de l'ESS : la coordination "
            "examine votre inscription et vous répond par courriel."
        )

    return form_page(
        request,
        forms.PasswordSetForm(request.POST or None, person=registration),
        lambda data: services.registration_confirm(token=token, password=data["password1"]),
        success=success,
        done=done,
        template="members/registration_confirm.html",
        context={"registration": registration, "entry": registration.entry},
    )


@login_required
@require_GET
def registration_list(request):
    """The coordination's list: registrations from outside the territory to accept or refuse,
    and the latest decisions."""
    if not perms.can_review_registrations(request.user):
        raise PermissionDenied
    # The bell's "Inscription à valider" leads here: seen, it stops counting.
    notifications_mark_read_for_page(user=request.user, path=request.path)
    return render(
        request,
        "members/registration_list.html",
        {
            # One refusal form per row, with ids of its own.
            "pending": [
                (r, forms.RegistrationRefusalForm(auto_id=f"refus-{r.public_id}-%s"))
                for r in registrations_to_review(request.user)
            ],
            "decided": registrations_decided(request.user),
        },
    )


registration_actions = PageActions(
    route="a-valider/<uuid:public_id>/",
    lookup=lambda request, public_id: registration_get_for_user(request.user, public_id),
    id_kwarg="registration_id",
    back=lambda request, registration: reverse("members:registration_list"),
    label_errors=False,
)
registration_accept = registration_actions.view(
    "accepter/",
    "registration_accept",
    services.registration_accept,
    gettext_lazy("Inscription acceptée : le compte est ouvert et le professionnel prévenu."),
    forms.EmptyForm,
)
registration_refuse = registration_actions.view(
    "refuser/",
    "registration_refuse",
    services.registration_refuse,
    gettext_lazy("Inscription refusée ; le motif a été envoyé au professionnel."),
    forms.RegistrationRefusalForm,
)
