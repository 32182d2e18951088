from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/nouvelle/", views.invitation_create, name="invitation_create"),
    path(
        "invitations/<uuid:public_id>/revoquer/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
