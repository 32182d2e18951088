from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("partenaires/", views.partner_list_view, name="list"),
    path("partenaires/nouveau/", views.partner_create, name="create"),
    path("partenaires/conventions/", views.register, name="register"),
    path("partenaires/conventions/registre.csv", views.register_csv, name="register_csv"),
    path("partenaires/conventions/registre.pdf", views.register_pdf, name="register_pdf"),
    path("partenaires/conventions/nouvelle/", views.convention_create, name="convention_create"),
    path(
        "partenaires/conventions/<uuid:public_id>/",
        views.convention_detail,
        name="convention_detail",
    ),
    path(
        "partenaires/conventions/<uuid:public_id>/modifier/",
        views.convention_edit,
        name="convention_edit",
    ),
    *views.convention_actions.urlpatterns,
    path(
        "partenaires/conventions/<uuid:public_id>/documents/<uuid:document_id>/",
        views.convention_document_download,
        name="convention_document",
    ),
    path("partenaires/<uuid:public_id>/", views.partner_detail_view, name="detail"),
    path("partenaires/<uuid:public_id>/modifier/", views.partner_edit, name="edit"),
    path("partenaires/<uuid:public_id>/contacts/", views.contact_create, name="contact_create"),
    path(
        "partenaires/<uuid:public_id>/contacts/<uuid:contact_id>/",
        views.contact_edit,
        name="contact_edit",
    ),
    path(
        "partenaires/<uuid:public_id>/contacts/<uuid:contact_id>/supprimer/",
        views.contact_delete,
        name="contact_delete",
    ),
]
