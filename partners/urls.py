from django.urls import include, path

from ess.routing import object_urls
from partners import views, views_register

app_name = "partners"

# The conventions: /partenaires/conventions/…
conventions = [
    path("", views_register.register, name="register"),
    path("registre.csv", views_register.register_csv, name="register_csv"),
    path("registre.pdf", views_register.register_pdf, name="register_pdf"),
    *object_urls("", views, "convention", pages=("create", "detail", "edit"), new="nouvelle/"),
    path("<uuid:public_id>/protocole/", views.protocol_edit, name="protocol_edit"),
    *views.convention_actions.urlpatterns,
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/",
        views.convention_document_download,
        name="convention_document",
    ),
]

# One partner: /partenaires/<uuid>/…
partner_pages = [
    path("", views.partner_detail_view, name="detail"),
    path("modifier/", views.partner_edit, name="edit"),
    path("contacts/", views.contact_create, name="contact_create"),
    path("contacts/<uuid:contact_id>/", views.contact_edit, name="contact_edit"),
    path("contacts/<uuid:contact_id>/supprimer/", views.contact_delete, name="contact_delete"),
]

urlpatterns = [
    path("partenaires/", views.partner_list_view, name="list"),
    path("partenaires/nouveau/", views.partner_create, name="create"),
    path("partenaires/conventions/", include(conventions)),
    path("partenaires/<uuid:public_id>/", include(partner_pages)),
]
