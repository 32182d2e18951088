from django.urls import path

from members import views, views_directory, views_membership

app_name = "members"

urlpatterns = [
    # Invitations (managers)
    path("membres/invitations/", views.invitation_list, name="invitation_list"),
    path("membres/invitations/nouvelle/", views.invitation_create, name="invitation_create"),
    path(
        "membres/invitations/<uuid:public_id>/revoquer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("membres/invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Applying to the ESS (public) and activating the account
    path("adhesion/", views_membership.apply, name="apply"),
    path("adhesion/envoyee/", views_membership.apply_sent, name="apply_sent"),
    path("adhesion/completer/<str:token>/", views_membership.apply_again, name="apply_again"),
    path("adhesion/activer/<str:token>/", views_membership.activate, name="activate"),
    # Memberships (managers; a member sees their own)
    path("membres/adhesions/", views_membership.membership_list, name="membership_list"),
    path("membres/adhesions/import/", views_membership.membership_import, name="membership_import"),
    path(
        "membres/adhesions/<uuid:public_id>/",
        views_membership.membership_detail,
        name="membership_detail",
    ),
    *views_membership.membership_actions.urlpatterns,
    path("membres/mon-profil/", views_membership.profile, name="profile"),
    path("membres/organisation/", views_membership.organisation, name="organisation"),
    path(
        "membres/organisation/<uuid:public_id>/fin/",
        views_membership.governance_end,
        name="governance_end",
    ),
    path(
        "membres/representativite/",
        views_membership.representativeness_view,
        name="representativeness",
    ),
    # Directory
    path("annuaire/", views_directory.directory, name="directory"),
    path("annuaire/export.csv", views_directory.directory_export, name="directory_export"),
    path("annuaire/public/", views_directory.directory_public, name="directory_public"),
]
