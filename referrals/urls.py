from django.urls import path

from referrals import views, views_consultations, views_ess

app_name = "referrals"

urlpatterns = [
    path("demandes/", views.referral_list, name="list"),
    path("demandes/nouvelle/", views.referral_create, name="create"),
    path("demandes/<uuid:public_id>/", views.referral_detail, name="detail"),
    path("demandes/<uuid:public_id>/annuler/", views.referral_cancel, name="cancel"),
    path("demandes/<uuid:public_id>/complement/", views.referral_provide_info, name="provide_info"),
    path("demandes/<uuid:public_id>/messages/", views.message_create, name="message"),
    path("demandes/<uuid:public_id>/retour/", views.referral_feedback, name="feedback"),
    path(
        "demandes/<uuid:public_id>/pieces/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    # ESS side
    path("regulation/", views_ess.dashboard, name="dashboard"),
    path("mes-dossiers/", views_ess.inbox, name="inbox"),
    path("demandes/<uuid:public_id>/reguler/", views_ess.triage, name="triage"),
    path("demandes/<uuid:public_id>/accepter/", views_ess.accept, name="accept"),
    path("demandes/<uuid:public_id>/refuser/", views_ess.decline, name="decline"),
    path("demandes/<uuid:public_id>/rendez-vous/", views_ess.schedule, name="schedule"),
    path("demandes/<uuid:public_id>/repondre/", views_ess.complete, name="complete"),
    path(
        "demandes/<uuid:public_id>/demander-complement/",
        views_ess.request_info,
        name="request_info",
    ),
    path("demandes/<uuid:public_id>/reorienter/", views_ess.reorient, name="reorient"),
    path("demandes/<uuid:public_id>/note/", views_ess.add_note, name="note"),
    path("demandes/<uuid:public_id>/identite/", views_ess.identity_check, name="identity"),
    # Advanced consultations
    path("consultations-avancees/", views_consultations.consultations, name="consultations"),
    path(
        "consultations-avancees/sites/nouveau/",
        views_consultations.site_form,
        name="consultation_site_create",
    ),
    path(
        "consultations-avancees/sites/<uuid:public_id>/",
        views_consultations.site_form,
        name="consultation_site_edit",
    ),
    path(
        "consultations-avancees/sites/<uuid:public_id>/programme/",
        views_consultations.plan_create,
        name="consultation_plan_create",
    ),
    path(
        "consultations-avancees/programmes/<uuid:public_id>/",
        views_consultations.plan_detail,
        name="consultation_plan",
    ),
    path(
        "consultations-avancees/programmes/<uuid:public_id>/<slug:action>/",
        views_consultations.plan_action,
        name="consultation_plan_action",
    ),
    path(
        "consultations-avancees/seances/<uuid:public_id>/specialiste/",
        views_consultations.session_assign,
        name="consultation_session_assign",
    ),
    path(
        "consultations-avancees/seances/<uuid:public_id>/annuler/",
        views_consultations.session_cancel,
        name="consultation_session_cancel",
    ),
    path(
        "consultations-avancees/seances/<uuid:public_id>/echange/",
        views_consultations.swap_request,
        name="consultation_swap_request",
    ),
    path(
        "consultations-avancees/echanges/<uuid:public_id>/<slug:decision>/",
        views_consultations.swap_decide,
        name="consultation_swap_decide",
    ),
    path(
        "consultations-avancees/seances/<uuid:public_id>/feuille/",
        views_consultations.day_sheet,
        name="consultation_day_sheet",
    ),
    path(
        "consultations-avancees/agenda/",
        views_consultations.calendar_regenerate,
        name="consultation_ical_regenerate",
    ),
    path(
        "consultations-avancees/agenda/revoquer/",
        views_consultations.calendar_revoke,
        name="consultation_ical_revoke",
    ),
    path(
        "consultations-avancees/ical/<str:token>.ics",
        views_consultations.calendar_feed,
        name="consultation_ical",
    ),
    path(
        "demandes/<uuid:public_id>/consultation-avancee/",
        views_consultations.session_book,
        name="session_book",
    ),
]
