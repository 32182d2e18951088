from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ess.admin import ReadOnlyAdmin, RecordInline
from members.models import (
    Competence,
    DirectoryEntry,
    GovernanceRole,
    Invitation,
    Membership,
    MembershipEvent,
    Organisation,
    PracticeSite,
    Registration,
    RegistrationEvent,
    RoleGrant,
    SpecialtyHeadcount,
    User,
)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ["role", "granted_at", "granted_by"]
    readonly_fields = ["granted_at", "granted_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "profession", "is_active", "is_demo"]
    list_filter = ["is_active", "is_staff", "is_demo", "profession", "role_grants__role"]
    search_fields = ["email", "first_name", "last_name", "rpps"]
    readonly_fields = ["last_login", "date_joined", "public_id"]
    inlines = [RoleGrantInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        (
            _("Identité professionnelle"),
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "phone",
                    "profession",
                    "specialty",
                    "rpps",
                    "adeli",
                    "organisation",
                    "acts_for_organisation",
                    "institution",
                ]
            },
        ),
        (_("Accès"), {"fields": ["is_active", "is_staff", "is_superuser", "is_demo"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune"]
    list_filter = ["kind"]
    search_fields = ["name", "siret", "finess"]
    autocomplete_fields = ["commune", "partner"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False  # invitations go through the page that sends the email


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    """The list applicants and members choose their competences from."""

    list_display = ["label", "code", "specialty"]
    list_filter = ["specialty"]
    search_fields = ["label", "code"]
    prepopulated_fields = {"code": ["label"]}


class PracticeSiteInline(admin.TabularInline):
    model = PracticeSite
    extra = 0
    autocomplete_fields = ["commune"]


class MembershipEventInline(RecordInline):
    model = MembershipEvent
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Corrections of an entry. The status and its history change only through the
    membership pages (members/services), never here."""

    list_display = ["last_name", "first_name", "profession", "specialty", "status"]
    list_filter = ["status", "profession", "specialty"]
    search_fields = ["last_name", "first_name", "email", "rpps"]
    readonly_fields = [
        "public_id",
        "user",
        "status",
        "pending_changes",
        "submission_key",
        "applied_at",
        "joined_at",
        "ended_at",
    ]
    filter_horizontal = ["competences"]
    inlines = [PracticeSiteInline, MembershipEventInline]

    def has_add_permission(self, request):
        return False  # applications come through the public form or the CSV import


@admin.register(GovernanceRole)
class GovernanceRoleAdmin(admin.ModelAdmin):
    list_display = ["kind", "membership", "starts_on", "ends_on"]
    list_filter = ["kind"]


@admin.register(SpecialtyHeadcount)
class SpecialtyHeadcountAdmin(admin.ModelAdmin):
    list_display = ["specialty", "territory_count", "updated_at"]


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(ReadOnlyAdmin):
    """Read-only: a copy of the national directory, refreshed by `load_directory`."""

    # The name and number (__str__), what they do and where; filter by département.
    list_display = ["__str__", "profession_label", "specialty_label", "commune_name"]
    list_filter = ["id_type", "departement_code", "profession_label"]
    search_fields = ["=identifier", "=national_id", "last_name"]
    show_full_result_count = False  # a count of a million rows on every page


class RegistrationEventInline(RecordInline):
    model = RegistrationEvent
    fields = readonly_fields = ["at", "actor", "from_status", "to_status", "note"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    """Read-only: self-registrations move through their link and the coordination's page."""

    list_display = ["__str__", "status", "in_territory", "created_at"]
    list_filter = ["status", "in_territory"]
    list_select_related = ["entry"]
    search_fields = ["email", "=entry__identifier", "entry__last_name"]
    inlines = [RegistrationEventInline]
