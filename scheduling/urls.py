from django.urls import include, path

from ess.routing import object_urls
from scheduling.views import availability, calendar, consultations, hours, oncall

app_name = "scheduling"

# A specialist's availability: /membres/disponibilites/…
availability_pages = [
    path("", availability.availability, name="availability"),
    path("creneaux/<uuid:public_id>/supprimer/", availability.slot_delete, name="slot_delete"),
    path("creneaux/<uuid:public_id>/sas/", availability.slot_sas, name="slot_sas"),
    *object_urls("absences/", availability, "absence", pages=("create", "delete"), new=""),
]

# The ESS's opening hours and closures (managers), beside its organisation page:
# /membres/organisation/horaires/…
opening_hours_pages = [
    path("", hours.opening_hours, name="opening_hours"),
    path("plages/", hours.opening_range_add, name="opening_range_add"),
    path(
        "plages/<uuid:public_id>/supprimer/",
        hours.opening_range_delete,
        name="opening_range_delete",
    ),
    path("fermetures/", hours.closure_add, name="closure_add"),
    path("fermetures/<uuid:public_id>/supprimer/", hours.closure_delete, name="closure_delete"),
]

# Advanced consultations: /consultations-avancees/… (a session's actions route themselves)
consultation_pages = [
    path("", consultations.consultations, name="consultations"),
    path("sites/nouveau/", consultations.site_form, name="consultation_site_create"),
    path("sites/<uuid:public_id>/", consultations.site_form, name="consultation_site_edit"),
    path(
        "sites/<uuid:public_id>/programme/",
        consultations.plan_create,
        name="consultation_plan_create",
    ),
    path("programmes/<uuid:public_id>/", consultations.plan_detail, name="consultation_plan"),
    path(
        "programmes/<uuid:public_id>/<slug:action>/",
        consultations.plan_action,
        name="consultation_plan_action",
    ),
    path(
        "seances/<uuid:public_id>/sas/",
        consultations.session_sas,
        name="consultation_session_sas",
    ),
    path(
        "seances/<uuid:public_id>/echange/",
        consultations.swap_request,
        name="consultation_swap_request",
    ),
    path(
        "echanges/<uuid:public_id>/<slug:decision>/",
        consultations.swap_decide,
        name="consultation_swap_decide",
    ),
    path(
        "seances/<uuid:public_id>/feuille/",
        consultations.day_sheet,
        name="consultation_day_sheet",
    ),
    path("agenda/", calendar.calendar_regenerate, name="consultation_ical_regenerate"),
    path("agenda/revoquer/", calendar.calendar_revoke, name="consultation_ical_revoke"),
    path("ical/<str:token>.ics", calendar.calendar_feed, name="consultation_ical"),
]

urlpatterns = [
    path("membres/disponibilites/", include(availability_pages)),
    path("membres/organisation/horaires/", include(opening_hours_pages)),
    path("consultations-avancees/", include(consultation_pages)),
    *consultations.session_actions.urlpatterns,
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
