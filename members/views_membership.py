"""Membership pages: the public application, account activation, the managers' review, the
member's own entry, the CSV import, the ESS's organisation and its representativeness.

Each view validates the shape of the input, calls one service, renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from ess.flash import flash_error
from ess.forms import ReasonForm
from ess.models import Specialty
from ess.permissions import require
from ess.throttle import throttled_response
from ess.web.actions import PageActions, form_page
from ess.web.forms import add_service_errors
from ess.web.paging import page_of
from ess.workflow import available_actions
from members import forms, services
from members import permissions as perms
from members.models import GovernanceRole, MembershipStatus, User
from members.selectors import (
    LISTED_STATUSES,
    governance_history,
    governance_visible_to,
    listed_members,
    membership_get_for_user,
    membership_of,
    membership_queue,
    memberships_visible_to,
    representativeness,
)


def _errors_to_form(form, exc: ValidationError, sites=None) -> None:
    """A service's ValidationError onto the form; 'sites' errors onto the sites formset."""
    if sites is not None and hasattr(exc, "error_dict") and "sites" in exc.error_dict:
        errors = exc.message_dict
        sites._non_form_errors = sites.error_class([*sites.non_form_errors(), *errors["sites"]])
        exc = ValidationError({f: e for f, e in errors.items() if f != "sites"})
    add_service_errors(form, exc)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# ---------------------------------------------------------------------------------------------
# Public: apply, complete an application sent back, activate the account
# ---------------------------------------------------------------------------------------------
def apply(request):
    """The application form: open to anyone, no account needed (throttled per IP)."""
    if throttled := throttled_response(request, action="member_apply"):
        return throttled
    initial = {"email": request.user.email} if request.user.is_authenticated else None
    form = forms.ApplicationForm(request.POST or None, initial=initial)
    sites = forms.SiteFormSet(request.POST or None, prefix="sites")
    if request.method == "POST" and all([form.is_valid(), sites.is_valid()]):
        try:
            services.membership_apply(
                data=form.to_input(forms.site_inputs(sites)),
                submission_key=form.cleaned_data["submission_key"],
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc, sites)
        else:
            return redirect("members:apply_sent")
    return render(
        request, "members/application_form.html", {"form": form, "sites": sites, "again": False}
    )


@require_GET
def apply_sent(request):
    return render(request, "members/application_sent.html")


def apply_again(request, token):
    """The applicant completes the application a manager sent back (link from the email)."""
    membership = services.membership_from_token(
        token,
        salt=services.APPLICATION_SALT,
        status=MembershipStatus.CHANGES_REQUESTED,
    )
    if membership is None:
        return render(request, "members/link_invalid.html", status=404)
    form = forms.EntryForm(request.POST or None, initial=forms.EntryForm.initial_from(membership))
    sites = forms.SiteFormSet(
        request.POST or None, prefix="sites", initial=forms.site_initial(membership)
    )
    if request.method == "POST" and all([form.is_valid(), sites.is_valid()]):
        try:
            services.membership_resubmit(token=token, data=form.to_input(forms.site_inputs(sites)))
        except ValidationError as exc:
            _errors_to_form(form, exc, sites)
        else:
            return redirect("members:apply_sent")
    return render(
        request,
        "members/application_form.html",
        {"form": form, "sites": sites, "again": True, "membership": membership},
    )


def activate(request, token):
    """The validated applicant sets the password of their new account, or, when the address
    was already an account's, its holder confirms the membership signed in."""
    membership = services.membership_from_token(
        token, salt=services.ACTIVATION_SALT, status=MembershipStatus.VALIDATED
    )
    if membership is None:
        return render(request, "members/link_invalid.html", status=404)
    if services.membership_for_existing_account(membership):
        return _confirm(request, token, membership)
    return form_page(
        request,
        forms.PasswordSetForm(request.POST or None, person=membership),
        lambda data: services.membership_activate(token=token, password=data["password1"]),
        success=_("Votre compte est activé. Connectez-vous."),
        done="account_login",
        template="members/activate.html",
        context={"membership": membership},
    )


def _confirm(request, token, membership):
    signed_in_as_holder = request.user.is_authenticated and request.user.pk == membership.user_id
    if request.method == "POST" and signed_in_as_holder:
        try:
            services.membership_confirm(token=token, by=request.user)
        except ValidationError as exc:
            flash_error(request, exc)
            return redirect(request.path)
        messages.success(request, _("Votre adhésion est confirmée : bienvenue dans l'ESS."))
        return redirect("members:profile")
    context = {"membership": membership, "signed_in_as_holder": signed_in_as_holder}
    return render(request, "members/membership_confirm.html", context)


# ---------------------------------------------------------------------------------------------
# Managers: the list of memberships, one membership and its actions
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def membership_list(request):
    require(perms.can_manage_memberships(request.user))
    status = request.GET.get("statut", "")
    if status not in MembershipStatus.values:
        status = ""
    page = page_of(request, membership_queue(request.user, status=status), 50)
    counts = dict(
        memberships_visible_to(request.user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tabs = [(s.value, s.label, counts.get(s.value, 0)) for s in MembershipStatus]
    return render(
        request,
        "members/membership_list.html",
        {"page": page, "status": status, "tabs": tabs},
    )


@login_required
@require_GET
def membership_detail(request, public_id):
    membership = membership_get_for_user(request.user, public_id)
    manager = perms.can_manage_memberships(request.user)
    context = {
        "actions": available_actions(request.user, membership),
        "membership": membership,
        "events": membership.events.select_related("actor"),
        "sites": membership.sites.select_related("commune"),
        "competences": membership.competences.all(),
        "can_review_changes": manager and bool(membership.pending_changes),
        "note_form": forms.NoteForm(),
        "reason_form": ReasonForm(),
        "optional_reason_form": forms.OptionalReasonForm(),
        # An application sent with the address of an existing account: its holder confirms.
        "existing_account": (
            User.objects.filter(email=membership.email).first()
            if manager and membership.user_id is None
            else None
        ),
    }
    return render(request, "members/membership_detail.html", context)


def _with_base_url(request, data: dict) -> dict:
    return {**data, "base_url": _base_url(request)}


membership_actions = PageActions(
    route="<uuid:public_id>/",
    lookup=lambda request, public_id: membership_get_for_user(request.user, public_id),
    id_kwarg="membership_id",
    back=lambda request, m: reverse("members:membership_detail", args=[m.public_id]),
    label_errors=False,
)
membership_validate = membership_actions.view(
    "valider/",
    "membership_validate",
    services.membership_validate,
    gettext_lazy(
        "Adhésion validée : le membre reçoit ses droits et, s'il n'a pas encore de compte, "
        "un lien pour l'activer."
    ),
    forms.EmptyForm,
    data=_with_base_url,
)
membership_request_changes = membership_actions.view(
    "demander-complements/",
    "membership_request_changes",
    services.membership_request_changes,
    gettext_lazy("Demande de compléments envoyée au candidat."),
    forms.NoteForm,
    data=_with_base_url,
)
membership_refuse = membership_actions.view(
    "refuser/",
    "membership_refuse",
    services.membership_refuse,
    gettext_lazy("Candidature refusée ; le motif a été envoyé au candidat."),
    ReasonForm,
)
membership_suspend = membership_actions.view(
    "suspendre/",
    "membership_suspend",
    services.membership_suspend,
    gettext_lazy("Membre suspendu."),
    ReasonForm,
)
membership_reinstate = membership_actions.view(
    "reintegrer/",
    "membership_reinstate",
    services.membership_reinstate,
    gettext_lazy("Membre réintégré."),
    forms.EmptyForm,
)
membership_leave = membership_actions.view(
    "depart/",
    "membership_leave",
    services.membership_leave,
    gettext_lazy("Départ enregistré. L'historique est conservé."),
    forms.OptionalReasonForm,
)
membership_changes_approve = membership_actions.view(
    "modifications/valider/",
    "membership_changes_approve",
    services.membership_changes_approve,
    gettext_lazy("Modification validée."),
    forms.EmptyForm,
)
membership_changes_reject = membership_actions.view(
    "modifications/refuser/",
    "membership_changes_reject",
    services.membership_changes_reject,
    gettext_lazy("Modification refusée."),
    ReasonForm,
)


# ---------------------------------------------------------------------------------------------
# The member's own entry
# ---------------------------------------------------------------------------------------------
@login_required
def profile(request):
    membership = membership_of(request.user)
    if membership is None or membership.status not in LISTED_STATUSES:
        raise Http404(_("Vous n'êtes pas membre de l'ESS."))
    form = forms.EntryForm(request.POST or None, initial=forms.EntryForm.initial_from(membership))
    sites = forms.SiteFormSet(
        request.POST or None, prefix="sites", initial=forms.site_initial(membership)
    )
    if request.method == "POST" and all([form.is_valid(), sites.is_valid()]):
        try:
            pending = services.membership_profile_update(
                membership_id=membership.pk,
                by=request.user,
                data=form.to_input(forms.site_inputs(sites), email=membership.email),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc, sites)
        else:
            messages.success(request, _("Votre fiche est à jour."))
            if pending:
                messages.info(
                    request,
                    _(
                        "Le changement de numéro RPPS/ADELI, de profession ou de spécialité "
                        "sera appliqué après validation par la direction."
                    ),
                )
            return redirect("members:profile")
    return render(
        request,
        "members/profile_form.html",
        {
            "form": form,
            "sites": sites,
            "membership": membership,
            "leave_form": forms.OptionalReasonForm(),
        },
    )


# ---------------------------------------------------------------------------------------------
# CSV import
# ---------------------------------------------------------------------------------------------
@login_required
def membership_import(request):
    require(perms.can_manage_memberships(request.user))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            imported = services.members_import_csv(
                by=request.user,
                content=form.cleaned_data["file"].read(),
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                ngettext("%(n)d membre importé.", "%(n)d membres importés.", len(imported))
                % {"n": len(imported)},
            )
            return redirect("members:membership_list")
    return render(
        request,
        "members/membership_import.html",
        {"form": form, "errors": errors, "columns": services.CSV_COLUMNS},
    )


# ---------------------------------------------------------------------------------------------
# The ESS's organisation (governance) and representativeness
# ---------------------------------------------------------------------------------------------
@login_required
def organisation(request):
    """The ESS's governance; the management assigns a role through the page's form."""
    require(perms.can_view_organisation(request.user))
    manager = perms.can_manage_memberships(request.user)
    if request.method == "POST":
        require(manager)
    form = forms.GovernanceForm(request.POST or None, members=listed_members()) if manager else None
    return form_page(
        request,
        form,
        lambda d: services.governance_role_assign(
            by=request.user,
            membership_id=d["membership"].pk,
            kind=d["kind"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            note=d["note"],
        ),
        success=_("Fonction enregistrée."),
        done="members:organisation",
        template="members/organisation.html",
        context={
            "roles": governance_visible_to(request.user),
            "history": governance_history(request.user),
        },
    )


@login_required
@require_POST
def governance_end(request, public_id):
    require(perms.can_manage_memberships(request.user))
    role = get_object_or_404(GovernanceRole, public_id=public_id)
    services.governance_role_end(by=request.user, role_id=role.pk)
    messages.success(request, _("Fonction terminée."))
    return redirect("members:organisation")


@login_required
def representativeness_view(request):
    require(perms.can_manage_memberships(request.user))
    if request.method == "POST":
        form = forms.HeadcountForm(request.POST)
        if form.is_valid():
            services.specialty_headcount_set(
                by=request.user,
                specialty=form.cleaned_data["specialty"],
                territory_count=form.cleaned_data["territory_count"],
            )
            messages.success(request, _("Effectif enregistré."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(reverse("members:representativeness"))
    return render(
        request,
        "members/representativeness.html",
        {
            "rows": representativeness(request.user),
            "specialties": Specialty.objects.exclude(code="medecine-generale"),
        },
    )
