"""`/plateformes/`: the managers' page of the platforms connected to `/fhir/`."""

from django.urls import path

from interop import views

app_name = "interop"

urlpatterns = [
    path("", views.platform_list, name="platforms"),
    path("<uuid:public_id>/jeton/", views.platform_token, name="platform_token"),
    path("<uuid:public_id>/revoquer/", views.platform_revoke, name="platform_revoke"),
]
