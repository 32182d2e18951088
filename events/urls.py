from django.urls import path

from events.views import attendance, campaigns, etp, manage, public, residents

app_name = "events"

# /evenements/…
urlpatterns = [
    # Public-health campaigns
    path("campagnes/", campaigns.campaign_list, name="campaign_list"),
    path("campagnes/nouvelle/", campaigns.campaign_create, name="campaign_create"),
    path("campagnes/<uuid:public_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campagnes/<uuid:public_id>/modifier/", campaigns.campaign_edit, name="campaign_edit"),
    path(
        "campagnes/<uuid:public_id>/actions.csv",
        campaigns.campaign_export,
        name="campaign_export",
    ),
    path(
        "campagnes/<uuid:public_id>/actions/",
        campaigns.campaign_action_create,
        name="campaign_action_create",
    ),
    path(
        "campagnes/<uuid:public_id>/actions/<uuid:action_id>/modifier/",
        campaigns.campaign_action_edit,
        name="campaign_action_edit",
    ),
    path(
        "campagnes/<uuid:public_id>/actions/<uuid:action_id>/supprimer/",
        campaigns.campaign_action_delete,
        name="campaign_action_delete",
    ),
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
    path(
        "inscriptions/<uuid:public_id>/attestation.pdf",
        attendance.certificate,
        name="certificate",
    ),
    path("", public.training_list, name="list"),
    path("calendrier.ics", public.ical, name="ical"),
    path("mes-inscriptions/", public.my_registrations, name="my_registrations"),
    path("inscriptions/<uuid:public_id>/", public.registration_page, name="registration"),
    path(
        "inscriptions/<uuid:public_id>/confirmer/",
        public.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "inscriptions/<uuid:public_id>/annuler/",
        public.registration_cancel,
        name="registration_cancel",
    ),
    path("<uuid:public_id>/", public.training_detail, name="detail"),
    path("<uuid:public_id>/inscription/", public.register, name="register"),
    # ETP programmes and their sessions
    path("etp/", etp.etp_list, name="etp_list"),
    path("etp/nouveau/", etp.etp_create, name="etp_create"),
    path("etp/<uuid:public_id>/", etp.etp_detail, name="etp_detail"),
    path("etp/<uuid:public_id>/modifier/", etp.etp_edit, name="etp_edit"),
    path("etp/<uuid:public_id>/seances/", etp.etp_session_add, name="etp_session_add"),
    path("etp/seances/<uuid:public_id>/modifier/", etp.etp_session_edit, name="etp_session_edit"),
    path(
        "etp/seances/<uuid:public_id>/supprimer/",
        etp.etp_session_delete,
        name="etp_session_delete",
    ),
    # Residents: supervisors, offers of places, placements
    path("internes/", residents.residents, name="residents"),
    path(
        "internes/maitres-de-stage/nouveau/",
        residents.supervisor_create,
        name="supervisor_create",
    ),
    path(
        "internes/offres/nouvelle/", residents.training_place_create, name="training_place_create"
    ),
    path(
        "internes/offres/<uuid:public_id>/stage/",
        residents.placement_create,
        name="placement_create",
    ),
]
