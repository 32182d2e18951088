"""Indicators and generated reports; the app's urls.py mounts them under /projet-sante/."""

from django.urls import path

from projet_sante.indicators import views

urlpatterns = [
    path("indicateurs/", views.dashboard, name="indicators"),
    path("indicateurs/export.csv", views.dashboard_csv, name="indicators_csv"),
    path("indicateurs/objectifs/", views.targets, name="indicator_targets"),
    path("rapports/trimestriel/", views.report_quarterly, name="report_quarterly"),
    path("rapports/<uuid:public_id>/", views.report_detail, name="report_detail"),
    path("rapports/<uuid:public_id>/telecharger/", views.report_download, name="report_download"),
]
