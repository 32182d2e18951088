from django.urls import path

from finance import views

app_name = "finance"

# /budget/…
urlpatterns = [
    path("", views.home, name="home"),
    path("previsionnel/", views.budget_edit, name="budget_edit"),
    path("financements/nouveau/", views.grant_create, name="grant_create"),
    path("financements/<uuid:public_id>/", views.grant_edit, name="grant_edit"),
    path("depenses/", views.expense_list, name="expenses"),
    path("depenses/nouvelle/", views.expense_create, name="expense_create"),
    path("depenses/import/", views.expense_import, name="expense_import"),
    path("depenses/<uuid:public_id>/justificatif/", views.receipt_download, name="receipt"),
    path("temps-medicaux/", views.paid_time, name="paid_time"),
    path("temps-medicaux/export.csv", views.paid_time_csv, name="paid_time_csv"),
    path("temps-medicaux/<uuid:member_id>/releve.pdf", views.statement_pdf, name="statement"),
    path("tarifs/", views.rates_edit, name="rates"),
]
