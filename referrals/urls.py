from django.urls import path

from referrals import views, views_ess
from referrals.booking import views as booking_views

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
    # Booking into scheduling's places, from the referral page
    path("demandes/<uuid:public_id>/creneau/", booking_views.slot_book, name="slot_book"),
    path(
        "demandes/<uuid:public_id>/creneau/liberer/",
        booking_views.booking_cancel,
        name="booking_cancel",
    ),
    path(
        "demandes/<uuid:public_id>/consultation-avancee/",
        booking_views.session_book,
        name="session_book",
    ),
]
