from django.urls import include, path

from ess.routing import object_urls
from events.views import attendance, campaigns, etp, manage, public, residents

app_name = "events"

# Public-health campaigns and their actions: /evenements/campagnes/…
campaign_pages = [
    *object_urls(
        "",
        campaigns,
        "campaign",
        pages=("list", "create", "detail", "edit", "delete"),
        new="nouvelle/",
    ),
    path("<uuid:public_id>/actions.csv", campaigns.campaign_export, name="campaign_export"),
    *object_urls(
        "<uuid:public_id>/actions/",
        campaigns,
        "campaign_action",
        pages=("create", "edit", "delete"),
        new="",
        lookup="action_id",
    ),
]

# One registration to a training: /evenements/inscriptions/<uuid>/…
registration_pages = [
    path("", public.registration_page, name="registration"),
    path("confirmer/", public.registration_confirm, name="registration_confirm"),
    path("annuler/", public.registration_cancel, name="registration_cancel"),
    path("attestation.pdf", attendance.certificate, name="certificate"),
]

# ETP programmes and their sessions: /evenements/etp/…
etp_pages = [
    *object_urls("", etp, "etp"),
    path("<uuid:public_id>/seances/", etp.etp_session_add, name="etp_session_add"),
    *object_urls("seances/", etp, "etp_session", pages=("edit", "delete")),
]

# Residents: supervisors, offers of places, placements: /evenements/internes/…
resident_pages = [
    path("", residents.residents, name="residents"),
    path("maitres-de-stage/nouveau/", residents.supervisor_create, name="supervisor_create"),
    path("offres/nouvelle/", residents.training_place_create, name="training_place_create"),
    path(
        "maitres-de-stage/<uuid:public_id>/modifier/",
        residents.supervisor_edit,
        name="supervisor_edit",
    ),
    path(
        "offres/<uuid:public_id>/modifier/",
        residents.training_place_edit,
        name="training_place_edit",
    ),
    path("offres/<uuid:public_id>/stage/", residents.placement_create, name="placement_create"),
    path("stages/<uuid:public_id>/modifier/", residents.placement_edit, name="placement_edit"),
    path("stages/<uuid:public_id>/supprimer/", residents.placement_delete, name="placement_delete"),
]

# /evenements/…
urlpatterns = [
    path("campagnes/", include(campaign_pages)),
    # Trainings: the organisers' pages, then the public ones
    path("gestion/", manage.manage, name="manage"),
    path("nouvelle/", manage.create, name="create"),
    path("<uuid:public_id>/modifier/", manage.edit, name="edit"),
    *manage.training_actions.urlpatterns,
    path("<uuid:public_id>/presences/", attendance.attendance, name="attendance"),
    path(
        "<uuid:public_id>/feuille-de-presence.pdf",
        attendance.attendance_sheet,
        name="attendance_sheet",
    ),
    path("inscriptions/<uuid:public_id>/", include(registration_pages)),
    path("", public.training_list, name="list"),
    path("calendrier.ics", public.ical, name="ical"),
    path("mes-inscriptions/", public.my_registrations, name="my_registrations"),
    path("<uuid:public_id>/", public.training_detail, name="detail"),
    path("<uuid:public_id>/inscription/", public.register, name="register"),
    path("etp/", include(etp_pages)),
    path("internes/", include(resident_pages)),
]
