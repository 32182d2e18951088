"""Membership pages: the public application, account activation, the managers' review, the
member's own entry, the CSV import, the ESS's organisation and its representativeness.

Each view validates the shape of the input, calls one service, renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ess.errors import TransitionNotAllowed
from ess.models import Specialty
from ess.throttle import throttled_response
from ess.workflow import available_actions
from members import forms, services
from members import permissions as perms
from members.models import GovernanceRole, MembershipStatus
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
    if not hasattr(exc, "error_dict"):
        for error in exc.messages:
            form.add_error(None, error)
        return
    for field, errors in exc.message_dict.items():
        for error in errors:
            if field == "sites" and sites is not None:
                sites._non_form_errors = sites.error_class([*sites.non_form_errors(), error])
            else:
                form.add_error(field if field in form.fields else None, error)


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
    """The validated applicant sets the password of their new account."""
    membership = services.membership_from_token(
        token, salt=services.ACTIVATION_SALT, status=MembershipStatus.VALIDATED
    )
    if membership is None:
        return render(request, "members/link_invalid.html", status=404)
    form = forms.PasswordSetForm(request.POST or None, person=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_activate(token=token, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Votre compte est activé. Connectez-vous."))
            return redirect("account_login")
    return render(request, "members/activate.html", {"form": form, "membership": membership})


# ---------------------------------------------------------------------------------------------
# Managers: the list of memberships, one membership and its actions
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def membership_list(request):
    if not perms.can_manage_memberships(request.user):
        raise PermissionDenied
    status = request.GET.get("statut", "")
    if status not in MembershipStatus.values:
        status = ""
    page = Paginator(membership_queue(request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
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
        "reason_form": forms.ReasonForm(),
        "optional_reason_form": forms.OptionalReasonForm(),
    }
    return render(request, "members/membership_detail.html", context)


def _act(request, public_id, form_class, call, success: str):
    """POST helper: validate the form, call the service, report in French, back to the page."""
    membership = membership_get_for_user(request.user, public_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(membership, form.cleaned_data)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("members:membership_detail", public_id=public_id)


@login_required
@require_POST
def membership_validate(request, public_id):
    return _act(
        request,
        public_id,
        forms.EmptyForm,
        lambda m, d: services.membership_validate(
            membership_id=m.pk, by=request.user, base_url=_base_url(request)
        ),
        _(
            "Adhésion validée : le membre reçoit ses droits et, s'il n'a pas encore de compte, "
            "un lien pour l'activer."
        ),
    )


@login_required
@require_POST
def membership_request_changes(request, public_id):
    return _act(
        request,
        public_id,
        forms.NoteForm,
        lambda m, d: services.membership_request_changes(
            membership_id=m.pk, by=request.user, note=d["note"], base_url=_base_url(request)
        ),
        _("Demande de compléments envoyée au candidat."),
    )


@login_required
@require_POST
def membership_refuse(request, public_id):
    return _act(
        request,
        public_id,
        forms.ReasonForm,
        lambda m, d: services.membership_refuse(
            membership_id=m.pk, by=request.user, reason=d["reason"]
        ),
        _("Candidature refusée ; le motif a été envoyé au candidat."),
    )


@login_required
@require_POST
def membership_suspend(request, public_id):
    return _act(
        request,
        public_id,
        forms.ReasonForm,
        lambda m, d: services.membership_suspend(
            membership_id=m.pk, by=request.user, reason=d["reason"]
        ),
        _("Membre suspendu."),
    )


@login_required
@require_POST
def membership_reinstate(request, public_id):
    return _act(
        request,
        public_id,
        forms.EmptyForm,
        lambda m, d: services.membership_reinstate(membership_id=m.pk, by=request.user),
        _("Membre réintégré."),
    )


@login_required
@require_POST
def membership_leave(request, public_id):
    return _act(
        request,
        public_id,
        forms.OptionalReasonForm,
        lambda m, d: services.membership_leave(
            membership_id=m.pk, by=request.user, reason=d["reason"]
        ),
        _("Départ enregistré. L'historique est conservé."),
    )


@login_required
@require_POST
def membership_changes_approve(request, public_id):
    return _act(
        request,
        public_id,
        forms.EmptyForm,
        lambda m, d: services.membership_changes_approve(membership_id=m.pk, by=request.user),
        _("Modification validée."),
    )


@login_required
@require_POST
def membership_changes_reject(request, public_id):
    return _act(
        request,
        public_id,
        forms.ReasonForm,
        lambda m, d: services.membership_changes_reject(
            membership_id=m.pk, by=request.user, reason=d["reason"]
        ),
        _("Modification refusée."),
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
    if not perms.can_manage_memberships(request.user):
        raise PermissionDenied
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
            messages.success(request, _("%(n)d membre(s) importé(s).") % {"n": len(imported)})
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
    if not perms.can_view_organisation(request.user):
        raise PermissionDenied
    manager = perms.can_manage_memberships(request.user)
    form = forms.GovernanceForm(request.POST or None, members=listed_members())
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.governance_role_assign(
                    by=request.user,
                    membership_id=d["membership"].pk,
                    kind=d["kind"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    note=d["note"],
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Fonction enregistrée."))
                return redirect("members:organisation")
    return render(
        request,
        "members/organisation.html",
        {
            "roles": governance_visible_to(request.user),
            "history": governance_history(request.user),
            "form": form if manager else None,
        },
    )


@login_required
@require_POST
def governance_end(request, public_id):
    if not perms.can_manage_memberships(request.user):
        raise PermissionDenied
    role = get_object_or_404(GovernanceRole, public_id=public_id)
    services.governance_role_end(by=request.user, role_id=role.pk)
    messages.success(request, _("Fonction terminée."))
    return redirect("members:organisation")


@login_required
def representativeness_view(request):
    if not perms.can_manage_memberships(request.user):
        raise PermissionDenied
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
