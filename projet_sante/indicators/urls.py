"""Indicators and generated reports; the app's urls.py mounts them under /projet-sante/."""

from django.urls import path

from projet_sante.indicators import views, views_transmissions

urlpatterns = [
    path("indicateurs/", views.dashboard, name="indicators"),
    path("indicateurs/export.csv", views.dashboard_csv, name="indicators_csv"),
    path("indicateurs/objectifs/", views.targets, name="indicator_targets"),
    path("rapports/trimestriel/", views.report_quarterly, name="report_quarterly"),
    path(
        "rapports/trimestriel/transmettre/",
        views_transmissions.report_quarterly_transmit,
        name="report_quarterly_transmit",
    ),
    path("rapports/<uuid:public_id>/", views.report_detail, name="report_detail"),
    path("rapports/<uuid:public_id>/telecharger/", views.report_download, name="report_download"),
    path("transmissions/", views_transmissions.transmission_list_view, name="transmissions"),
    path(
        "transmissions/<uuid:public_id>/telecharger/",
        views_transmissions.transmission_download,
        name="transmission_download",
    ),
]
