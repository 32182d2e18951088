from django.urls import path

from association import views
from ess.routing import object_urls

app_name = "association"

# /association/…
urlpatterns = [
    path("", views.association_home, name="home"),
    path("identite/", views.identity_edit, name="identity_edit"),
    path("statuts/deposer/", views.statutes_upload, name="statutes_upload"),
    path("statuts/", views.statutes_download, name="statutes"),
    *object_urls(
        "assemblees/", views, "assembly", pages=("create", "detail", "edit"), new="nouvelle/"
    ),
    path("assemblees/<uuid:public_id>/proces-verbal.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("cotisations/", views.fee_year_set, name="fee_year_set"),
    path("cotisations/<int:year>/", views.fees, name="fees"),
    path("cotisations/<int:year>/paiement/", views.fee_payment_record, name="fee_payment"),
    path("cotisations/<int:year>/export.csv", views.fees_export, name="fees_export"),
    *views.assembly_actions.urlpatterns,
]
