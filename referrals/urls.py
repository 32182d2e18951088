from django.urls import include, path

from referrals import views, views_answer, views_ess, views_immediate, views_intake
from referrals.booking import views as booking

app_name = "referrals"

# One referral: /demandes/<uuid>/…
referral_pages = [
    path("", views.referral_detail, name="detail"),
    path("pieces/<uuid:attachment_id>/", views.attachment_download, name="attachment"),
    *views.referral_actions.urlpatterns,
    # ESS side
    path("reguler/", views_ess.triage, name="triage"),
    path("accepter/", views_ess.accept, name="accept"),
    path("refuser/", views_ess.decline, name="decline"),
    *views_ess.ess_actions.urlpatterns,
    # Immediate opinions: the specialist alerted answers (call back, video room)
    path("avis-immediat/rappel/", views_immediate.immediate_callback, name="immediate_callback"),
    path("avis-immediat/visio/", views_immediate.immediate_video, name="immediate_video"),
    # Booking into scheduling's places, from the referral page
    path("creneau/", booking.slot_book, name="slot_book"),
    path("creneau/liberer/", booking.booking_cancel, name="booking_cancel"),
    path("consultation-avancee/", booking.session_book, name="session_book"),
]

urlpatterns = [
    path("demandes/", views.referral_list, name="list"),
    path("demandes/nouvelle/", views.referral_create, name="create"),
    path("demandes/nouvelle/patient/", views.patient_prefill, name="patient_prefill"),
    # An immediate opinion from the specialist on call
    path("avis-immediat/", views_immediate.immediate_request, name="immediate"),
    # Without an account: the public form, then the emailed link
    path(
        "demandes/sans-compte/",
        views_intake.referral_without_account,
        name="create_without_account",
    ),
    path(
        "demandes/sans-compte/envoyee/",
        views_intake.referral_without_account_sent,
        name="without_account_sent",
    ),
    path(
        "demandes/sans-compte/confirmer/<str:token>/",
        views_intake.referral_confirm_without_account,
        name="confirm_without_account",
    ),
    # The answer, read through the personal link emailed to a professional without an account
    path(
        "demandes/sans-compte/reponse/<str:token>/",
        views_answer.answer_without_account,
        name="answer_without_account",
    ),
    path(
        "demandes/sans-compte/reponse/<str:token>/pieces/<uuid:attachment_id>/",
        views_answer.answer_attachment,
        name="answer_without_account_attachment",
    ),
    path("demandes/<uuid:public_id>/", include(referral_pages)),
    path("regulation/", views_ess.dashboard, name="dashboard"),
    # A request received by phone, fax or mail, recorded by the coordination
    path("regulation/saisie/", views_intake.referral_record, name="record"),
    path("mes-dossiers/", views_ess.inbox, name="inbox"),
]
