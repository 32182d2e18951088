"""The health-project document; the app's urls.py mounts it under /projet-sante/."""

from django.urls import include, path

from projet_sante.project import views

# Everything under one version: /projet-sante/versions/<uuid>/…
version_patterns = [
    path("", views.version_detail, name="project_version"),
    *views.version_actions.urlpatterns,
    path("sections/<slug:key>/", views.section_edit, name="project_section_edit"),
    path("missions/nouvelle/", views.mission_edit, name="project_mission_add"),
    path("missions/<uuid:mission_id>/", views.mission_edit, name="project_mission_edit"),
    path(
        "missions/<uuid:mission_id>/supprimer/",
        views.mission_delete,
        name="project_mission_delete",
    ),
    path(
        "missions/<uuid:mission_id>/actions/nouvelle/",
        views.action_edit,
        name="project_action_add",
    ),
    path("actions/<uuid:action_id>/", views.action_edit, name="project_action_edit"),
    path("actions/<uuid:action_id>/supprimer/", views.action_delete, name="project_action_delete"),
    path("annexes/", views.annex_add, name="project_annex_add"),
    path("annexes/<uuid:annex_id>/", views.annex_download, name="project_annex_download"),
    path("annexes/<uuid:annex_id>/supprimer/", views.annex_delete, name="project_annex_delete"),
    path("pdf/", views.version_pdf, name="project_version_pdf"),
    path("transmettre/", views.version_transmit, name="project_version_transmit"),
]

urlpatterns = [
    path("", views.project_home, name="project_home"),
    path("nouvelle-version/", views.version_start, name="project_version_start"),
    path("apercu/", views.rich_text_preview, name="project_preview"),
    path("versions/<uuid:public_id>/", include(version_patterns)),
    path("versions/<uuid:a>/diff/<uuid:b>/", views.version_diff, name="project_version_diff"),
]
