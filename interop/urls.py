"""`/fhir/`: the FHIR R4 interface (docs/interop.md)."""

from django.urls import path

from interop.fhir import audit, intake, servicerequest, slots, views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.Metadata.as_view(), name="metadata"),
    path("Slot", slots.SlotSearch.as_view(), name="slot_search"),
    path("Slot/<str:id>", slots.SlotRead.as_view(), name="slot_read"),
    path("Schedule", slots.ScheduleSearch.as_view(), name="schedule_search"),
    path("Schedule/<str:id>", slots.ScheduleRead.as_view(), name="schedule_read"),
    path("", intake.Transaction.as_view(), name="transaction"),
    path("ServiceRequest", servicerequest.ServiceRequestSearch.as_view(), name="servicerequest"),
    path(
        "ServiceRequest/<str:referral_id>",
        servicerequest.ServiceRequestRead.as_view(),
        name="servicerequest_read",
    ),
    path(
        "DiagnosticReport",
        servicerequest.DiagnosticReportSearch.as_view(),
        name="diagnosticreport",
    ),
    path(
        "DiagnosticReport/<str:referral_id>",
        servicerequest.DiagnosticReportRead.as_view(),
        name="diagnosticreport_read",
    ),
    path("AuditEvent", audit.AuditEventSearch.as_view(), name="auditevent-search"),
]
