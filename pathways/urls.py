from django.urls import path

from pathways import views

app_name = "pathways"

# /parcours/…
urlpatterns = [
    path("", views.pathway_list_view, name="list"),
    path("nouveau/", views.pathway_create, name="create"),
    path("ouvrir/<uuid:public_id>/", views.pathway_open_from_referral, name="open"),
    path("taches/", views.worklist_view, name="worklist"),
    path("taches/<uuid:public_id>/", views.task_detail, name="task"),
    *views.task_actions.urlpatterns,
    *views.task_manage_actions.urlpatterns,
    path("alertes/<uuid:public_id>/", views.alert_detail, name="alert"),
    *views.alert_actions.urlpatterns,
    path("<uuid:public_id>/", views.pathway_detail, name="detail"),
    *views.pathway_actions.urlpatterns,
    *views.circle_actions.urlpatterns,
]
