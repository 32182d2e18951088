from django.urls import path

from scheduling.views import availability, calendar, consultations, hours, oncall

app_name = "scheduling"

urlpatterns = [
    # A specialist's availability
    path("membres/disponibilites/", availability.availability, name="availability"),
    path(
        "membres/disponibilites/creneaux/<uuid:public_id>/supprimer/",
        availability.slot_delete,
        name="slot_delete",
    ),
    path(
        "membres/disponibilites/creneaux/<uuid:public_id>/sas/",
        availability.slot_sas,
        name="slot_sas",
    ),
    path("membres/disponibilites/absences/", availability.absence_create, name="absence_create"),
    path(
        "membres/disponibilites/absences/<uuid:public_id>/supprimer/",
        availability.absence_delete,
        name="absence_delete",
    ),
    # The ESS's opening hours and closures (managers), beside its organisation page
    path("membres/organisation/horaires/", hours.opening_hours, name="opening_hours"),
    path(
        "membres/organisation/horaires/plages/", hours.opening_range_add, name="opening_range_add"
    ),
    path(
        "membres/organisation/horaires/plages/<uuid:public_id>/supprimer/",
        hours.opening_range_delete,
        name="opening_range_delete",
    ),
    path("membres/organisation/horaires/fermetures/", hours.closure_add, name="closure_add"),
    path(
        "membres/organisation/horaires/fermetures/<uuid:public_id>/supprimer/",
        hours.closure_delete,
        name="closure_delete",
    ),
    # Advanced consultations
    path("consultations-avancees/", consultations.consultations, name="consultations"),
    path(
        "consultations-avancees/sites/nouveau/",
        consultations.site_form,
        name="consultation_site_create",
    ),
    path(
        "consultations-avancees/sites/<uuid:public_id>/",
        consultations.site_form,
        name="consultation_site_edit",
    ),
    path(
        "consultations-avancees/sites/<uuid:public_id>/programme/",
        consultations.plan_create,
        name="consultation_plan_create",
    ),
    path(
        "consultations-avancees/programmes/<uuid:public_id>/",
        consultations.plan_detail,
        name="consultation_plan",
    ),
    path(
        "consultations-avancees/programmes/<uuid:public_id>/<slug:action>/",
        consultations.plan_action,
        name="consultation_plan_action",
    ),
    *consultations.session_actions.urlpatterns,
    path(
        "consultations-avancees/seances/<uuid:public_id>/sas/",
        consultations.session_sas,
        name="consultation_session_sas",
    ),
    path(
        "consultations-avancees/seances/<uuid:public_id>/echange/",
        consultations.swap_request,
        name="consultation_swap_request",
    ),
    path(
        "consultations-avancees/echanges/<uuid:public_id>/<slug:decision>/",
        consultations.swap_decide,
        name="consultation_swap_decide",
    ),
    path(
        "consultations-avancees/seances/<uuid:public_id>/feuille/",
        consultations.day_sheet,
        name="consultation_day_sheet",
    ),
    path(
        "consultations-avancees/agenda/",
        calendar.calendar_regenerate,
        name="consultation_ical_regenerate",
    ),
    path(
        "consultations-avancees/agenda/revoquer/",
        calendar.calendar_revoke,
        name="consultation_ical_revoke",
    ),
    path(
        "consultations-avancees/ical/<str:token>.ics",
        calendar.calendar_feed,
        name="consultation_ical",
    ),
    # On-call rosters
    path("garde/", oncall.on_call, name="on_call"),
    path("garde/gardes/periode/", oncall.shifts_create, name="on_call_shifts_create"),
    path("garde/gardes/nouvelle/", oncall.shift_create, name="on_call_shift_create"),
    *oncall.shift_actions.urlpatterns,
    path(
        "garde/gardes/<uuid:public_id>/echange/",
        oncall.swap_request,
        name="on_call_swap_request",
    ),
    path("garde/volontaires/", oncall.volunteers, name="on_call_volunteers"),
    path("garde/volontariat/", oncall.volunteer, name="on_call_volunteer"),
    path("garde/tableau/<slug:action>/", oncall.roster_action, name="on_call_roster_action"),
    path(
        "garde/echanges/<uuid:public_id>/<slug:decision>/",
        oncall.swap_decide,
        name="on_call_swap_decide",
    ),
]
