"""Advanced-consultation pages: the role-dependent overview (/consultations-avancees/), sites
and plans (managers), the rota, swaps and the printable day sheet. Booking a referral into a
session is done from the referral's page (referrals/booking)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ess.audit import audit_record, audit_record_many, audit_refusal
from ess.models import AuditAction
from ess.pdf import pdf_attachment, render_pdf
from ess.permissions import require
from ess.web.actions import PageActions, post_action
from scheduling import forms, selectors, services
from scheduling import permissions as perms
from scheduling.models import ConsultationPlan, ConsultationSession, ConsultationSite, SwapRequest


# ---------------------------------------------------------------------------------------------
# Overview
# ---------------------------------------------------------------------------------------------
def overview_context(user) -> dict:
    ctx = {
        "is_manager": perms.can_manage_consultations(user),
        "is_coordinator": perms.can_book_session(user),
        "is_specialist": perms.can_have_calendar_feed(user),
        "runs_sessions": perms.can_run_consultations(user),
    }
    if ctx["is_manager"]:
        ctx["sites"] = selectors.sites_list()
        ctx["plans"] = selectors.plans_list()
        ctx["swaps"] = selectors.pending_swaps()
        ctx["decision_form"] = forms.DecisionForm()
    if ctx["is_coordinator"] or ctx["is_manager"]:
        ctx["upcoming"] = selectors.upcoming_sessions(user)
    if ctx["runs_sessions"]:
        ctx["mine"] = selectors.my_sessions(user)
    if ctx["is_specialist"]:
        ctx["feed"] = selectors.calendar_feed_active(user)
        ctx["swap_form"] = forms.SwapForm(specialty_id=user.specialty_id, exclude=user)
    return ctx


@login_required
@require_GET
def consultations(request, feed_url: str = ""):
    require(perms.can_view_consultations(request.user))
    ctx = overview_context(request.user)
    ctx["feed_url"] = feed_url
    if ctx["runs_sessions"]:
        # The specialist sees the references of their patients' appointments.
        audit_record_many(
            request=request,
            action=AuditAction.VIEW,
            objects=[a.referral for s in ctx["mine"] for a in s.appointments.all()],
            label_attr="reference",
        )
    return render(request, "scheduling/consultations.html", ctx)


# ---------------------------------------------------------------------------------------------
# Sites and plans (managers)
# ---------------------------------------------------------------------------------------------
def _site_initial(site: ConsultationSite) -> dict:
    return {
        "name": site.name,
        "commune": f"{site.commune.code} — {site.commune.name}",
        "address": site.address,
        "host": site.host_id,
        "convention": site.convention_id,
        "specialties": list(site.specialties.all()),
        "rooms": site.rooms,
        "accessibility": site.accessibility,
        "underserved": site.underserved,
        "active": site.active,
    }


@login_required
@require_http_methods(["GET", "POST"])
def site_form(request, public_id=None):
    require(perms.can_manage_consultations(request.user))
    site = get_object_or_404(ConsultationSite, public_id=public_id) if public_id else None
    if request.method == "POST":
        form = forms.SiteForm(request.POST)
        if form.is_valid():
            data = services.SiteInput(
                **{**form.cleaned_data, "specialties": list(form.cleaned_data["specialties"])}
            )
            try:
                if site:
                    services.site_update(by=request.user, site_id=site.pk, data=data)
                else:
                    site = services.site_create(by=request.user, data=data)
            except ValidationError as exc:
                forms.add_service_errors(form, exc)
            else:
                messages.success(request, _("Site « %(name)s » enregistré.") % {"name": site.name})
                return redirect("scheduling:consultations")
    else:
        form = forms.SiteForm(initial=_site_initial(site) if site else {"active": True})
    return render(request, "scheduling/consultation_site_form.html", {"form": form, "site": site})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, public_id):
    require(perms.can_manage_consultations(request.user))
    site = get_object_or_404(ConsultationSite, public_id=public_id)
    if request.method == "POST":
        form = forms.PlanForm(request.POST, site=site)
        if form.is_valid():
            data = services.PlanInput(
                **{**form.cleaned_data, "volunteers": list(form.cleaned_data["volunteers"])}
            )
            try:
                plan = services.plan_create(by=request.user, site_id=site.pk, data=data)
            except ValidationError as exc:
                forms.add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Programme créé : ses consultations sont en brouillon.")
                )
                return redirect("scheduling:consultation_plan", public_id=plan.public_id)
    else:
        form = forms.PlanForm(site=site)
    return render(request, "scheduling/consultation_plan_form.html", {"form": form, "site": site})


def _plan(request, public_id) -> ConsultationPlan:
    require(perms.can_manage_consultations(request.user))
    return get_object_or_404(
        ConsultationPlan.objects.select_related(
            "site__commune", "specialty", "protocol__convention"
        ),
        public_id=public_id,
    )


@login_required
@require_GET
def plan_detail(request, public_id):
    plan = _plan(request, public_id)
    sessions = selectors.plan_sessions(plan)
    return render(
        request,
        "scheduling/consultation_plan.html",
        {
            "plan": plan,
            "sessions": sessions,
            "volunteers_form": forms.VolunteersForm(
                specialty_id=plan.specialty_id,
                protocol=plan.protocol,
                initial={"volunteers": list(plan.volunteers.all())},
            ),
            "assign_form": forms.AssignForm(specialty_id=plan.specialty_id, protocol=plan.protocol),
            "unassigned": [s for s in sessions if s.specialist_id is None and s.status == "draft"],
        },
    )


def _generate(request, plan) -> None:
    n = services.plan_generate_sessions(by=request.user, plan_id=plan.pk)
    messages.success(
        request,
        ngettext("%(n)d consultation créée.", "%(n)d consultations créées.", n) % {"n": n},
    )


def _propose_rota(request, plan) -> None:
    result = services.rota_propose(by=request.user, plan_id=plan.pk)
    messages.success(
        request,
        ngettext(
            "Rotation proposée : %(n)d consultation attribuée.",
            "Rotation proposée : %(n)d consultations attribuées.",
            result.assigned,
        )
        % {"n": result.assigned},
    )
    for session in result.unassigned:
        messages.warning(
            request,
            _("Personne n'est disponible le %(when)s : consultation sans spécialiste.")
            % {"when": timezone.localtime(session.starts_at).strftime("%d/%m/%Y")},
        )


def _publish(request, plan) -> None:
    published, left = services.sessions_publish(by=request.user, plan_id=plan.pk)
    messages.success(
        request,
        ngettext("%(n)d consultation publiée.", "%(n)d consultations publiées.", published)
        % {"n": published},
    )
    if left:
        messages.warning(
            request,
            ngettext(
                "%(n)d consultation sans spécialiste reste en brouillon.",
                "%(n)d consultations sans spécialiste restent en brouillon.",
                left,
            )
            % {"n": left},
        )


# The plan's actions that take no form; each flashes what it did.
_PLAN_STEPS = {"generer": _generate, "rotation": _propose_rota, "publier": _publish}


@login_required
@require_POST
def plan_action(request, public_id, action):
    plan = _plan(request, public_id)
    back = reverse("scheduling:consultation_plan", args=[plan.public_id])
    if action == "volontaires":
        return post_action(
            request,
            lambda data: services.plan_set_volunteers(
                by=request.user, plan_id=plan.pk, volunteers=list(data["volunteers"])
            ),
            form=forms.VolunteersForm(
                request.POST, specialty_id=plan.specialty_id, protocol=plan.protocol
            ),
            success=_("Volontaires enregistrés."),
            back=back,
        )
    if action not in _PLAN_STEPS:
        raise Http404
    step = _PLAN_STEPS[action]
    return post_action(request, lambda _data: step(request, plan), success=None, back=back)


def _managed_session(request, public_id) -> ConsultationSession:
    """The session a manager acts on (PermissionDenied for anyone else)."""
    require(perms.can_manage_consultations(request.user))
    return selectors.session_get_for_user(request.user, public_id)


def _session_for(request, public_id, allowed) -> ConsultationSession:
    """The session, if `allowed(user, session)`; otherwise the same answer as a session that
    does not exist (404)."""
    session = selectors.session_get_for_user(request.user, public_id)
    if not allowed(request.user, session):
        raise Http404
    return session


def _session_page(session: ConsultationSession) -> str:
    """Where a manager goes back to after acting on a session: its plan, or the overview."""
    if session.plan_id:
        return reverse("scheduling:consultation_plan", kwargs={"public_id": session.plan.public_id})
    return reverse("scheduling:consultations")


# A manager's actions on one session: /consultations-avancees/seances/<uuid>/…
session_actions = PageActions(
    route="consultations-avancees/seances/<uuid:public_id>/",
    lookup=_managed_session,
    id_kwarg="session_id",
    back=lambda request, session: _session_page(session),
)
session_assign = session_actions.view(
    "specialiste/",
    "consultation_session_assign",
    services.session_assign,
    gettext_lazy("Spécialiste modifié."),
    forms.AssignForm,
    form_kwargs=lambda session: {
        "specialty_id": session.specialty_id,
        "protocol": session.plan.protocol if session.plan_id else None,
    },
)
session_cancel = session_actions.view(
    "annuler/",
    "consultation_session_cancel",
    services.session_cancel,
    gettext_lazy("Consultation annulée."),
)


@login_required
@require_POST
def session_sas(request, public_id):
    """The session's specialist opens its free places to the SAS, or closes them."""
    session = _session_for(request, public_id, perms.can_open_session_to_sas)
    sas_open = request.POST.get("sas_open") == "1"
    return post_action(
        request,
        lambda _data: services.session_sas_set(
            by=request.user, session_id=session.pk, sas_open=sas_open
        ),
        success=_("Places libres ouvertes au SAS.") if sas_open else _("Places fermées au SAS."),
        back="scheduling:consultations",
    )


# ---------------------------------------------------------------------------------------------
# Swaps
# ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def swap_request(request, public_id):
    session = _session_for(request, public_id, perms.can_request_swap)
    return post_action(
        request,
        lambda data: services.swap_request(
            by=request.user,
            session_id=session.pk,
            replacement=data["replacement"],
            reason=data["reason"],
        ),
        form=forms.SwapForm(request.POST, specialty_id=session.specialty_id, exclude=request.user),
        success=_("Demande d'échange envoyée à la direction."),
        back="scheduling:consultations",
    )


def swap_decision_view(allowed, swap_model, service, *, back: str):
    """The view of a manager's decision on a swap of one kind (`accepter` or `refuser` in the
    URL), with an optional comment: `allowed(user)` may decide (403 otherwise),
    `service(by, swap_id, approve, note)` decides, then back to `back`."""

    @login_required
    @require_POST
    def swap_decide(request, public_id, decision):
        require(allowed(request.user))
        if decision not in ("accepter", "refuser"):
            raise Http404
        swap = get_object_or_404(swap_model, public_id=public_id)
        form = forms.DecisionForm(request.POST)
        form.is_valid()
        return post_action(
            request,
            lambda _data: service(
                by=request.user,
                swap_id=swap.pk,
                approve=decision == "accepter",
                note=form.cleaned_data.get("note", ""),
            ),
            success=_("Échange accepté.") if decision == "accepter" else _("Échange refusé."),
            back=back,
        )

    return swap_decide


swap_decide = swap_decision_view(
    perms.can_decide_swap, SwapRequest, services.swap_decide, back="scheduling:consultations"
)


# ---------------------------------------------------------------------------------------------
# Day sheet (printable, audited)
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def day_sheet(request, public_id):
    with audit_refusal(
        request=request, object_type=ConsultationSession._meta.label_lower, object_id=public_id
    ):
        session = _session_for(request, public_id, perms.can_view_day_sheet)
    appointments = selectors.day_sheet(session)
    as_pdf = request.GET.get("format") == "pdf"
    action = AuditAction.PRINT if as_pdf else AuditAction.VIEW
    audit_record(request=request, action=action, obj=session, label=f"feuille {session.date}")
    audit_record_many(
        request=request,
        action=action,
        objects=[a.referral for a in appointments],
        label_attr="reference",
    )
    if as_pdf:
        return _day_sheet_pdf(session, appointments)
    return render(
        request,
        "scheduling/consultation_day_sheet.html",
        {"session": session, "appointments": appointments},
    )


def _day_sheet_pdf(session, appointments) -> HttpResponse:
    pdf = render_pdf(
        "pdf/consultation_day_sheet.html",
        {"session": session, "appointments": appointments, "today": timezone.localdate()},
    )
    return pdf_attachment(pdf, f"consultation-{session.date:%Y-%m-%d}.pdf")
