"""ESS-side pages: the coordinator's dashboard, the specialist's inbox, and the actions they take
on a referral (triage, accept, decline, schedule, answer, request information, reorient, note)."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ess.audit import audit_record_many
from ess.forms import ReasonForm
from ess.models import AuditAction
from ess.permissions import require
from ess.private_search import search_recall, search_redirect, wants_search_redirect
from ess.web.actions import PageActions, post_action
from ess.web.paging import page_of
from referrals import case_forms, services
from referrals import permissions as perms
from referrals.booking.views import booking_panels
from referrals.dashboard import (
    QUEUE_COUNT_CAP,
    QUEUE_VIEWS,
    queue_counts,
    queue_filter_options,
    queue_referrals,
    queue_rows,
    search_patient_cap_reached,
)
from referrals.models import VISIBLE_STATUS_CHOICES, Status
from referrals.selectors import (
    referrals_visible_to,
    specialist_inbox,
    specialists_for_triage,
)
from referrals.views_common import action_back, referral_actions, referral_for_request, take_case


def ess_actions_context(request, referral, actions) -> dict:
    """The ESS side's forms on the referral page, for the `actions` the user may take."""
    user = request.user
    ctx = {
        "can_add_note": perms.can_add_internal_note(user, referral),
        "can_check_identity": perms.can_check_identity(user, referral)
        and referral.patient.identity_status == "provisoire",
    }
    if "triage" in actions:
        ctx["triage_form"] = case_forms.TriageForm(
            specialists=specialists_for_triage(referral),
            initial={
                "priority": referral.effective_priority,
                "response_mode": referral.response_mode,
                "specialist": referral.offered_to.public_id if referral.offered_to else "",
            },
        )
    ctx.update(booking_panels(user, referral))
    ctx["reason_form"] = ReasonForm()
    ctx["request_info_form"] = case_forms.RequestInfoForm()
    ctx["reorient_form"] = case_forms.ReorientForm()
    ctx["note_form"] = case_forms.NoteForm()
    ctx["identity_form"] = case_forms.IdentityCheckForm()
    booked = ctx["booking"].slot if ctx["booking"] and not referral.appointment_at else None
    ctx["schedule_form"] = case_forms.ScheduleForm(
        initial={
            "starts_at": booked.starts_at if booked else referral.appointment_at,
            "location": booked.where if booked else referral.appointment_location,
        }
    )
    ctx["answer_form"] = case_forms.AnswerForm(
        initial={"answer": referral.answer, "recommended_actions": referral.recommended_actions}
    )
    # An asynchronous opinion has no appointment: its panels show only when the patient is to
    # be seen (a consultation, or an opinion that calls for one).
    ctx["appointment_panels"] = referral.is_consultation or referral.consultation_needed
    ctx["other_actions"] = _other_actions(referral, actions, ctx)
    return ctx


def _other_actions(referral, actions, ctx) -> list[dict]:
    """The actions after the main one (answer, take the case), folded under "Autres actions"."""
    given_back = referral.status != Status.TRIAGED
    panels = (
        ("schedule", not ctx["appointment_panels"], _("Enregistrer le rendez-vous"),
         _("Fixer un rendez-vous de consultation"), "schedule_form", "btn-outline-primary"),
        ("request_info", True, _("Envoyer la question"),
         _("Demander un complément au demandeur"), "request_info_form", "btn-outline-primary"),
        ("decline", True, _("Refuser"),
         _("Rendre la demande à la coordination") if given_back else _("Refuser la demande"),
         "reason_form", "btn-outline-danger"),
        ("reorient", True, _("Réorienter"), _("Réorienter hors de l'ESS"), "reorient_form",
         "btn-outline-secondary"),
    )  # fmt: skip
    return [
        {
            "action": reverse(f"referrals:{name}", args=[referral.public_id]),
            "button": button,
            "summary": summary,
            "form": ctx[form],
            "button_class": button_class,
        }
        for name, shown, button, summary, form, button_class in panels
        if shown and name in actions
    ]


# ---------------------------------------------------------------------------------------------
# Coordinator dashboard
# ---------------------------------------------------------------------------------------------
# Filters carried in the URL: codes and ids only. The search term (a patient's name, perhaps)
# is POSTed and kept in the session (ess.private_search).
FILTERS = ("statut", "priorite", "specialite", "type", "departement", "commune", "specialiste")


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request):
    require(perms.can_triage_referral(request.user))
    if wants_search_redirect(request):
        return search_redirect(request, "referrals:dashboard", keep=(*FILTERS, "vue"))
    view = request.GET.get("vue", "a_traiter")
    if view not in QUEUE_VIEWS:
        view = "a_traiter"
    filters = {key: request.GET.get(key, "").strip() for key in FILTERS}
    _token, filters["q"], search_expired = search_recall(request)
    keys = queue_referrals(request.user, view=view, **filters)
    counts = queue_counts(request.user)
    # A working view without filters holds what its tab counts: not counted twice.
    known = None if any(filters.values()) else counts.get(view)
    # A search finds all its matches whatever is kept: read once, up to the cap.
    page = page_of(
        request,
        keys,
        25,
        count_cap=QUEUE_COUNT_CAP,
        listed=bool(filters["q"]),
        known_count=known,
    )
    page.object_list = queue_rows(request.user, page.object_list)
    audit_record_many(
        request=request, action=AuditAction.VIEW, objects=page.object_list, label_attr="reference"
    )
    context = {
        "page": page,
        "view": view,
        "filters": filters,
        "search_expired": search_expired,
        "search_patient_cap": search_patient_cap_reached(filters["q"]),
        "counts": counts,
        "tabs": [(key, label, counts.get(key)) for key, label in QUEUE_VIEWS.items()],
        "options": queue_filter_options(),
        "statuses": VISIBLE_STATUS_CHOICES,
        "query_string": request.GET.urlencode(),
    }
    if request.htmx and request.htmx.target == "queue":
        return render(request, "referrals/_queue.html", context)
    return render(request, "referrals/dashboard.html", context)


# ---------------------------------------------------------------------------------------------
# Specialist inbox
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def inbox(request):
    require(perms.can_view_inbox(request.user))
    sections = specialist_inbox(request.user)
    audit_record_many(
        request=request,
        action=AuditAction.VIEW,
        objects=[r for rows in sections.values() for r in rows],
        label_attr="reference",
    )
    return render(request, "referrals/inbox.html", {"sections": sections})


# ---------------------------------------------------------------------------------------------
# Actions (one POST per transition)
# ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def triage(request, public_id):
    referral = referral_for_request(request, public_id)
    require(perms.can_triage_referral(request.user, referral))
    expected = request.POST.get("version", "")
    return post_action(
        request,
        lambda data: services.referral_triage(
            referral_id=referral.pk,
            by=request.user,
            expected_version=datetime.fromisoformat(expected) if expected else None,
            **data,
        ),
        form=case_forms.TriageForm(request.POST, specialists=specialists_for_triage(referral)),
        success=_("Demande %(ref)s régulée.") % {"ref": referral.reference},
        back=reverse("referrals:detail", kwargs={"public_id": public_id}),
        done=reverse("referrals:dashboard"),
        label_errors=False,
    )


@login_required
@require_POST
def accept(request, public_id):
    return take_case(
        request, public_id, services.referral_accept, _("Vous avez pris en charge la demande.")
    )


@login_required
@require_POST
def decline(request, public_id):
    response = referral_actions.run(
        request,
        public_id,
        services.referral_decline,
        _("Demande refusée : elle retourne à la coordination."),
        ReasonForm,
    )
    if not referrals_visible_to(request.user).filter(public_id=public_id).exists():
        # The case went back to the coordination and out of the specialist's sight: their
        # inbox, not a 404 on the page they just left.
        return redirect("referrals:inbox")
    return response


ess_actions = PageActions(
    route="",
    lookup=referral_for_request,
    id_kwarg="referral_id",
    back=action_back,
)
schedule = ess_actions.view(
    "rendez-vous/",
    "schedule",
    services.referral_schedule,
    gettext_lazy("Rendez-vous enregistré."),
    case_forms.ScheduleForm,
)
complete = ess_actions.view(
    "repondre/",
    "complete",
    services.referral_complete,
    gettext_lazy("Réponse enregistrée et transmise au demandeur."),
    case_forms.AnswerForm,
    files=True,
    data=lambda request, d: {
        "answer": d["answer"],
        "recommended_actions": d["recommended_actions"],
        "consultation_needed": d["consultation_needed"],
        "report_files": d["files"],
    },
)
request_info = ess_actions.view(
    "demander-complement/",
    "request_info",
    services.referral_request_info,
    gettext_lazy("Question envoyée au demandeur."),
    case_forms.RequestInfoForm,
)
reorient = ess_actions.view(
    "reorienter/",
    "reorient",
    services.referral_reorient,
    gettext_lazy("Demande réorientée."),
    case_forms.ReorientForm,
)
identity_check = ess_actions.view(
    "identite/",
    "identity",
    services.patient_identity_validate,
    gettext_lazy("Identité du patient enregistrée comme validée."),
    case_forms.IdentityCheckForm,
)
add_note = ess_actions.view(
    "note/", "note", services.referral_add_note, gettext_lazy("Note ajoutée."), case_forms.NoteForm
)
