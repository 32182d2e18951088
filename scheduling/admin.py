from django.contrib import admin

from scheduling.models import Absence, AvailabilitySlot


@admin.register(AvailabilitySlot)
class AvailabilitySlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "specialist", "specialty", "capacity", "booked"]
    list_filter = ["specialty"]
    readonly_fields = ["booked"]  # kept equal to the bookings by scheduling/services


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["specialist", "starts_on", "ends_on"]
