from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from members.models import Invitation, Organisation, RoleGrant, User


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
