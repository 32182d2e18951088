from django.urls import path

from events.views import attendance, manage

app_name = "events"

# /evenements/…
urlpatterns = [
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
]
