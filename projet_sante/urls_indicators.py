"""Indicators and generated reports (included under /projet-sante/ by projet_sante/urls.py)."""

from django.urls import path

from projet_sante import views_indicators as views

urlpatterns = [
    path("indicateurs/", views.dashboard, name="indicators"),
    path("indicateurs/export.csv", views.dashboard_csv, name="indicators_csv"),
    path("indicateurs/objectifs/", views.targets, name="indicator_targets"),
    path("rapports/trimestriel/", views.report_quarterly, name="report_quarterly"),
    path("rapports/<uuid:public_id>/", views.report_detail, name="report_detail"),
    path("rapports/<uuid:public_id>/telecharger/", views.report_download, name="report_download"),
]
