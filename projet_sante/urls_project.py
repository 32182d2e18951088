from django.urls import path

from projet_sante import views_project as views

urlpatterns = [
    path("projet-sante/", views.project_home, name="project_home"),
    path("projet-sante/nouvelle-version/", views.version_start, name="project_version_start"),
    path("projet-sante/apercu/", views.rich_text_preview, name="project_preview"),
    path("projet-sante/versions/<uuid:public_id>/", views.version_detail, name="project_version"),
    path(
        "projet-sante/versions/<uuid:public_id>/soumettre/",
        views.version_submit,
        name="project_version_submit",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/valider/",
        views.version_validate,
        name="project_version_validate",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/revision/",
        views.version_request_revision,
        name="project_version_revision",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/commentaires/",
        views.comment_add,
        name="project_comment_add",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/sections/<slug:key>/",
        views.section_edit,
        name="project_section_edit",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/missions/nouvelle/",
        views.mission_edit,
        name="project_mission_add",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/missions/<uuid:mission_id>/",
        views.mission_edit,
        name="project_mission_edit",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/missions/<uuid:mission_id>/supprimer/",
        views.mission_delete,
        name="project_mission_delete",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/missions/<uuid:mission_id>/actions/nouvelle/",
        views.action_edit,
        name="project_action_add",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/actions/<uuid:action_id>/",
        views.action_edit,
        name="project_action_edit",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/actions/<uuid:action_id>/supprimer/",
        views.action_delete,
        name="project_action_delete",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/annexes/",
        views.annex_add,
        name="project_annex_add",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/annexes/<uuid:annex_id>/",
        views.annex_download,
        name="project_annex_download",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/annexes/<uuid:annex_id>/supprimer/",
        views.annex_delete,
        name="project_annex_delete",
    ),
    path(
        "projet-sante/versions/<uuid:public_id>/pdf/",
        views.version_pdf,
        name="project_version_pdf",
    ),
    path(
        "projet-sante/versions/<uuid:a>/diff/<uuid:b>/",
        views.version_diff,
        name="project_version_diff",
    ),
]
