"""`/fhir/`: the FHIR R4 interface (docs/interop.md)."""

from django.urls import path

from interop.fhir import audit, views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.Metadata.as_view(), name="metadata"),
    path("AuditEvent", audit.AuditEventSearch.as_view(), name="auditevent-search"),
]
