from django.urls import path

from referrals import views, views_ess
from referrals.booking import views as booking_views

app_name = "referrals"

urlpatterns = [
    path("demandes/", views.referral_list, name="list"),
    path("demandes/nouvelle/", views.referral_create, name="create"),
    path("demandes/<uuid:public_id>/", views.referral_detail, name="detail"),
    *views.referral_actions.urlpatterns,
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
    *views_ess.ess_actions.urlpatterns,
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
