from django.urls import path

from meetings import views

app_name = "meetings"

# /rcp/…
urlpatterns = [
    path("", views.meeting_list_view, name="list"),
    path("nouvelle/", views.meeting_create, name="create"),
    path("dossiers/ajouter/", views.case_add_from, name="case_add_from"),
    path("<uuid:public_id>/", views.meeting_detail, name="detail"),
    path("<uuid:public_id>/modifier/", views.meeting_edit, name="edit"),
    path("<uuid:public_id>/participants/", views.participant_add, name="participant_add"),
    path("<uuid:public_id>/dossiers/", views.case_add, name="case_add"),
    path(
        "<uuid:public_id>/dossiers/<uuid:case_id>/decision/",
        views.case_decide,
        name="case_decide",
    ),
    path("<uuid:public_id>/compte-rendu.pdf", views.minutes_pdf, name="minutes_pdf"),
    *views.meeting_actions.urlpatterns,
]
