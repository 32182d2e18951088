from django.urls import path

from events.views import attendance, campaigns, manage, public

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
]
