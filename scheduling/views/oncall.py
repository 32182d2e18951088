"""On-call roster pages (/garde/): the week of a specialty with who is on call now, a
specialist's duties and swaps, and the manager's shifts, volunteers, generation, publication
and decisions."""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ess import workflow
from ess.permissions import require
from ess.web.actions import PageActions, form_page, post_action
from scheduling import forms, selectors, services
from scheduling import permissions as perms
from scheduling.models import OnCallShift, OnCallSwap
from scheduling.views.consultations import swap_decision_view


def _posted(request):
    """The form's data on a POST (even an empty one: no volunteer left), None on a GET."""
    return request.POST if request.method == "POST" else None


def _week_start(raw: str | None) -> date:
    """The Monday of the week asked for (?semaine=), this week's for a date that is not one or
    lies outside the years a roster can cover."""
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    if not 2000 <= day.year <= 2100:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


def _specialty(request, specialties):
    """The specialty asked for (?specialite=), else the specialist's own, else the first."""
    by_id = {str(s.pk): s for s in specialties}
    asked = request.GET.get("specialite") or request.POST.get("specialite")
    if asked in by_id:
        return by_id[asked]
    own = by_id.get(str(request.user.specialty_id))
    return own or (specialties[0] if specialties else None)


def week_url(specialty, monday: date) -> str:
    query = urlencode({"specialite": specialty.pk, "semaine": monday.isoformat()})
    return f"{reverse('scheduling:on_call')}?{query}"


@login_required
@require_GET
def on_call(request):
    user = request.user
    require(perms.can_view_on_call(user))
    specialties = selectors.on_call_specialties()
    specialty = _specialty(request, specialties)
    monday = _week_start(request.GET.get("semaine"))
    start = timezone.make_aware(datetime.combine(monday, time(0)))
    ctx = {
        "specialties": specialties,
        "specialty": specialty,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "now_on_call": selectors.on_call_now(timezone.now()),
        "is_manager": perms.can_manage_on_call(user),
        "can_volunteer": perms.can_volunteer_on_call(user),
        "consultations_url": reverse("scheduling:consultations"),
        "swaps": [],
    }
    if specialty is not None:
        ctx["shifts"] = selectors.on_call_week(specialty.pk, start, start + timedelta(days=7))
        ctx["volunteers"] = selectors.on_call_volunteers(specialty.pk)
        ctx["previous_url"] = week_url(specialty, monday - timedelta(days=7))
        ctx["next_url"] = week_url(specialty, monday + timedelta(days=7))
        ctx["has_drafts"] = any(not s.is_published for s in ctx["shifts"])
        ctx["gaps"] = [s for s in ctx["shifts"] if s.is_gap]
    if ctx["can_volunteer"]:
        mine = selectors.on_call_volunteers(user.specialty_id)
        ctx["volunteering"] = any(v.pk == user.pk for v in mine)
        ctx["my_duties"] = selectors.my_on_call_duties(user)
        ctx["colleagues"] = [v for v in mine if v.pk != user.pk]
    if ctx["is_manager"]:
        swaps = selectors.pending_on_call_swaps()
        ctx["swaps"] = [(s, workflow.available_actions(user, s)) for s in swaps]
    return render(request, "scheduling/on_call.html", ctx)


# ---------------------------------------------------------------------------------------------
# Shifts, volunteers, the roster (managers)
# ---------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def shifts_create(request):
    require(perms.can_manage_on_call(request.user))
    specialties = selectors.on_call_specialties()
    monday = _week_start(None) + timedelta(days=7)
    initial = {
        "specialty": _specialty(request, specialties),
        "first_day": monday,
        "last_day": monday + timedelta(days=4),
        "presets": ["morning", "afternoon"],
        "weekdays": [0, 1, 2, 3, 4],
    }
    form = forms.ShiftsForm(_posted(request), specialties=specialties, initial=initial)

    def save(data):
        result = services.on_call_shifts_create(by=request.user, **data)
        return result, week_url(data["specialty"], _week_start(data["first_day"].isoformat()))

    return form_page(
        request,
        form,
        save,
        success=lambda r: (
            ngettext(
                "%(n)d garde créée, %(skipped)d déjà au tableau.",
                "%(n)d gardes créées, %(skipped)d déjà au tableau.",
                r[0].created,
            )
            % {"n": r[0].created, "skipped": r[0].skipped}
        ),
        done=lambda r: r[1],
        template="scheduling/on_call_shifts_form.html",
        context={
            "title": _("Créer des gardes sur une période"),
            "cancel": reverse("scheduling:on_call"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_create(request):
    require(perms.can_manage_on_call(request.user))
    specialties = selectors.on_call_specialties()
    form = forms.ShiftForm(
        _posted(request),
        specialties=specialties,
        initial={"specialty": _specialty(request, specialties)},
    )

    def save(data):
        return services.on_call_shift_create(by=request.user, **data)

    return form_page(
        request,
        form,
        save,
        success=_("Garde créée (brouillon)."),
        done=lambda shift: week_url(
            shift.specialty, _week_start(timezone.localdate(shift.starts_at).isoformat())
        ),
        template="scheduling/on_call_shifts_form.html",
        context={"title": _("Créer une garde sur mesure"), "cancel": reverse("scheduling:on_call")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteers(request):
    require(perms.can_manage_on_call(request.user))
    specialty = _specialty(request, selectors.on_call_specialties())
    if specialty is None:
        raise Http404
    form = forms.VolunteersForm(
        _posted(request),
        specialty_id=specialty.pk,
        initial={"volunteers": selectors.on_call_volunteers(specialty.pk)},
    )
    return form_page(
        request,
        form,
        lambda data: services.on_call_volunteers_set(
            by=request.user, specialty=specialty, volunteers=list(data["volunteers"])
        ),
        success=_("Volontaires enregistrés."),
        done=week_url(specialty, _week_start(None)),
        template="scheduling/on_call_volunteers.html",
        context={"specialty": specialty, "cancel": week_url(specialty, _week_start(None))},
    )


_ROSTER_STEPS = {"generer", "publier"}


@login_required
@require_POST
def roster_action(request, action):
    require(perms.can_manage_on_call(request.user))
    if action not in _ROSTER_STEPS:
        raise Http404
    specialty = _specialty(request, selectors.on_call_specialties())
    if specialty is None:
        raise Http404
    form = forms.RosterForm(request.POST)
    monday = _week_start(request.POST.get("first_day"))
    back = week_url(specialty, monday)

    def call(data):
        period = {"first_day": data["first_day"], "last_day": data["last_day"]}
        if action == "publier":
            n = services.on_call_roster_publish(by=request.user, specialty=specialty, **period)
            messages.success(
                request, ngettext("%(n)d garde publiée.", "%(n)d gardes publiées.", n) % {"n": n}
            )
            return
        result = services.on_call_roster_generate(
            by=request.user, specialty=specialty, backup=data["backup"], **period
        )
        messages.success(
            request,
            ngettext(
                "Proposition : %(assigned)d garde sur %(shifts)d attribuée, "
                "%(backups)d en renfort. Vérifiez-la puis publiez.",
                "Proposition : %(assigned)d gardes sur %(shifts)d attribuées, "
                "%(backups)d en renfort. Vérifiez-la puis publiez.",
                result.assigned,
            )
            % {"assigned": result.assigned, "shifts": result.shifts, "backups": result.backups},
        )
        for shift in result.gaps:
            messages.warning(
                request,
                _("Personne n'est disponible pour la garde du %(span)s.") % {"span": shift.span},
            )

    return post_action(request, call, form=form, success=None, back=back)


def _managed_shift(request, public_id) -> OnCallShift:
    require(perms.can_manage_on_call(request.user))
    return get_object_or_404(OnCallShift, public_id=public_id)


def _shift_week(request, shift) -> str:
    return week_url(shift.specialty, _week_start(timezone.localdate(shift.starts_at).isoformat()))


# A manager's actions on one shift: /garde/gardes/<uuid>/…
shift_actions = PageActions(
    route="garde/gardes/<uuid:public_id>/",
    lookup=_managed_shift,
    id_kwarg="shift_id",
    back=_shift_week,
)
shift_assign = shift_actions.view(
    "attribuer/",
    "on_call_shift_assign",
    services.on_call_duty_assign,
    gettext_lazy("Garde attribuée."),
    forms.OnCallAssignForm,
    form_kwargs=lambda shift: {"volunteers": selectors.on_call_volunteers(shift.specialty_id)},
)
shift_delete = shift_actions.view(
    "supprimer/",
    "on_call_shift_delete",
    services.on_call_shift_delete,
    gettext_lazy("Garde supprimée."),
)


# ---------------------------------------------------------------------------------------------
# Volunteering and swaps
# ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def volunteer(request):
    require(perms.can_volunteer_on_call(request.user))
    volunteering = request.POST.get("volontaire") == "1"
    return post_action(
        request,
        lambda _data: services.on_call_volunteer(by=request.user, volunteering=volunteering),
        success=_("Vous êtes volontaire pour les gardes.")
        if volunteering
        else _("Vous n'êtes plus volontaire pour les gardes à venir."),
        back="scheduling:on_call",
    )


@login_required
@require_POST
def swap_request(request, public_id):
    duty = selectors.on_call_duty_get_for_user(request.user, public_id)
    return post_action(
        request,
        lambda data: services.on_call_swap_request(
            by=request.user, duty_id=duty.pk, replacement=data["replacement"], reason=data["reason"]
        ),
        form=forms.OnCallSwapForm(
            request.POST,
            volunteers=selectors.on_call_volunteers(duty.shift.specialty_id),
            exclude=request.user,
        ),
        success=_("Demande d'échange envoyée à la direction."),
        back="scheduling:on_call",
    )


swap_decide = swap_decision_view(
    perms.can_decide_on_call_swap,
    OnCallSwap,
    services.on_call_swap_decide,
    back="scheduling:on_call",
)
