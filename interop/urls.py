"""`/fhir/`: the FHIR R4 interface (docs/interop.md)."""

from django.urls import path

from interop.fhir import slots, views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.Metadata.as_view(), name="metadata"),
    path("Slot", slots.SlotSearch.as_view(), name="slot_search"),
    path("Slot/<str:id>", slots.SlotRead.as_view(), name="slot_read"),
    path("Schedule", slots.ScheduleSearch.as_view(), name="schedule_search"),
    path("Schedule/<str:id>", slots.ScheduleRead.as_view(), name="schedule_read"),
]
