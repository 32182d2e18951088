from django.contrib import admin

from interop.models import Platform


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "scopes", "token_prefix", "created_at", "revoked_at"]
    readonly_fields = ["token_hash", "token_prefix", "account"]
