from django.urls import include, path

from members import views
from members import views_directory as directory
from members import views_membership as membership
from members import views_registration as registration

app_name = "members"

# Applying to the ESS (public) and activating the account: /adhesion/…
application = [
    path("", membership.apply, name="apply"),
    path("envoyee/", membership.apply_sent, name="apply_sent"),
    path("completer/<str:token>/", membership.apply_again, name="apply_again"),
    path("activer/<str:token>/", membership.activate, name="activate"),
]

# Self-registration of professionals (public) and the coordination's review: /inscription/…
registrations = [
    path("", registration.register, name="registration"),
    path("envoyee/", registration.registration_sent, name="registration_sent"),
    path("confirmer/<str:token>/", registration.registration_confirm, name="registration_confirm"),
    path("a-valider/", registration.registration_list, name="registration_list"),
    *registration.registration_actions.urlpatterns,
]

# Invitations (managers): /membres/invitations/…
invitations = [
    path("", views.invitation_list, name="invitation_list"),
    path("nouvelle/", views.invitation_create, name="invitation_create"),
    path("<uuid:public_id>/revoquer/", views.invitation_revoke, name="invitation_revoke"),
]

# The ARS/CPAM accounts and their institution (managers): /membres/autorites/…
authorities = [
    path("", views.authority_list, name="authority_list"),
    path(
        "<uuid:public_id>/institution/",
        views.authority_institution,
        name="authority_institution",
    ),
]

# Memberships (managers; a member sees their own): /membres/adhesions/…
memberships = [
    path("", membership.membership_list, name="membership_list"),
    path("import/", membership.membership_import, name="membership_import"),
    path("<uuid:public_id>/", membership.membership_detail, name="membership_detail"),
    *membership.membership_actions.urlpatterns,
]

# /membres/…
member_pages = [
    path("invitations/", include(invitations)),
    path("autorites/", include(authorities)),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("adhesions/", include(memberships)),
    path("mon-profil/", membership.profile, name="profile"),
    path("organisation/", membership.organisation, name="organisation"),
    path("organisation/<uuid:public_id>/fin/", membership.governance_end, name="governance_end"),
    path("representativite/", membership.representativeness_view, name="representativeness"),
]

# The directory: /annuaire/…
directory_pages = [
    path("", directory.directory, name="directory"),
    path("export.csv", directory.directory_export, name="directory_export"),
    path("public/", directory.directory_public, name="directory_public"),
]

urlpatterns = [
    path("adhesion/", include(application)),
    path("inscription/", include(registrations)),
    path("membres/", include(member_pages)),
    path("annuaire/", include(directory_pages)),
]
