from django.contrib import admin

from ess.admin import RecordInline
from partners.models import (
    Contact,
    Convention,
    ConventionDocument,
    ConventionEvent,
    ConventionKind,
    Partner,
    PartnerType,
)


@admin.register(PartnerType)
class PartnerTypeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "position"]
    list_editable = ["position"]
    search_fields = ["label", "code"]


@admin.register(ConventionKind)
class ConventionKindAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "position"]
    list_editable = ["position"]
    search_fields = ["label", "code"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone", "newsletter"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "commune", "finess", "siret", "referent"]
    list_filter = ["type"]
    search_fields = ["name", "finess", "siret"]
    autocomplete_fields = ["commune", "covered_communes", "referent"]
    filter_horizontal = ["covered_departements"]
    list_select_related = ["type", "commune", "referent"]
    inlines = [ContactInline]


class ConventionDocumentInline(RecordInline):
    """Uploads go through the page: content checked, version numbered."""

    model = ConventionDocument
    fields = ["doc_type", "version", "original_name", "size", "uploaded_by", "created_at"]
    readonly_fields = fields


class ConventionEventInline(RecordInline):
    model = ConventionEvent
    fields = ["at", "actor", "kind", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    """The status is shown, never edited here: each transition is a service with its checks."""

    list_display = ["title", "kind", "status", "effective_on", "end_on", "referent"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "parties__name"]
    autocomplete_fields = ["parties", "referent"]
    readonly_fields = ["status", "termination_reason", "created_by", "created_at"]
    list_select_related = ["kind", "referent"]
    inlines = [ConventionDocumentInline, ConventionEventInline]
