from django.contrib import admin

from ess.models import ApiToken, AuditEvent, Commune, OutboundEmail, Specialty, Team


class RecordInline(admin.TabularInline):
    """Rows that the pages' services write (history, uploaded files): shown in their parent's
    page, never added from the admin."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown, never added, changed or deleted from the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    filter_horizontal = ["specialties", "departements"]

    def has_add_permission(self, request):
        return not Team.objects.exists()


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["label", "code"]
    search_fields = ["label", "code"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "departement", "postal_codes"]
    search_fields = ["search_name", "code"]
    list_select_related = ["departement"]

    def has_change_permission(self, request, obj=None):
        return False  # official reference data, refreshed by `load_territory`


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail is append-only."""

    list_display = [
        "at",
        "actor_email",
        "action",
        "outcome",
        "object_type",
        "object_id",
        "ip_address",
        "via",
    ]
    list_filter = ["action", "outcome", "object_type"]
    search_fields = ["actor_email", "object_id", "via"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owner (page "Jetons d'API") or `manage.py issue_api_token`;
    an administrator may revoke one (set "révoqué le"), nothing else."""

    list_display = [
        "prefix",
        "name",
        "user",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["prefix", "name", "user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "public_id",
        "user",
        "name",
        "scope",
        "key_hash",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["to", "subject", "created_at", "sent_at", "attempts"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request):
        return False
