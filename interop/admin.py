from django.contrib import admin

from interop.models import Platform, SecureMessage


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "scopes", "token_prefix", "created_at", "revoked_at"]
    readonly_fields = ["token_hash", "token_prefix", "account"]


@admin.register(SecureMessage)
class SecureMessageAdmin(admin.ModelAdmin):
    """Read only: what was sent by secure messaging, when, and the last error of one pending."""

    list_display = ["subject", "recipient", "created_at", "attempts", "sent_at", "failed_at"]
    list_filter = ["sent_at", "failed_at"]
    fields = [
        "referral",
        "recipient",
        "subject",
        "body_text",
        "message_id",
        "created_at",
        "attempts",
        "last_error",
        "sent_at",
        "failed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
