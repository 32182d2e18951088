"""A specialist's iCalendar feed: their sessions (site, address), the appointments booked
into them, and their published on-call duties. Appointments carry the referral reference and
the time only: a calendar URL is easily shared or synced to third-party services, so no patient
name goes into it."""

from datetime import UTC, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar, Event

from scheduling.models import (
    Appointment,
    ConsultationSession,
    OnCallDuty,
    SessionStatus,
    ShiftStatus,
)

PAST_DAYS = 60


def calendar_for(user) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ESS//Consultations avancees//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "ESS : consultations avancées et gardes")
    sessions = (
        ConsultationSession.objects.filter(
            specialist=user,
            status=SessionStatus.PUBLISHED,
            ends_at__gte=timezone.now() - timedelta(days=PAST_DAYS),
        )
        .select_related("site__commune")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("referral").order_by("starts_at"),
            )
        )
        .order_by("starts_at")
    )
    domain = settings.ESS_BASE_URL.split("//")[-1].strip("/") or "ess"
    now = timezone.now()
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.public_id}@{domain}")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", session.starts_at.astimezone(UTC))
        event.add("dtend", session.ends_at.astimezone(UTC))
        event.add("summary", f"Consultation avancée — {session.site.name}")
        event.add("location", f"{session.site.address}, {session.site.commune.name}")
        calendar.add_component(event)
        for appointment in session.appointments.all():
            item = Event()
            item.add("uid", f"rdv-{appointment.public_id}@{domain}")
            item.add("dtstamp", now.astimezone(UTC))
            item.add("dtstart", appointment.starts_at.astimezone(UTC))
            item.add(
                "dtend",
                (appointment.starts_at + timedelta(minutes=session.slot_minutes)).astimezone(UTC),
            )
            item.add("summary", f"RDV {appointment.referral.reference}")
            item.add("location", session.site.name)
            calendar.add_component(item)
    for event in _duty_events(user, domain, now):
        calendar.add_component(event)
    return calendar.to_ical()


def _duty_events(user, domain: str, now):
    duties = (
        OnCallDuty.objects.filter(
            specialist=user,
            shift__status=ShiftStatus.PUBLISHED,
            shift__ends_at__gte=now - timedelta(days=PAST_DAYS),
        )
        .select_related("shift__specialty")
        .order_by("shift__starts_at")
    )
    for duty in duties:
        shift = duty.shift
        event = Event()
        event.add("uid", f"garde-{shift.public_id}-{duty.rank}@{domain}")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", shift.starts_at.astimezone(UTC))
        event.add("dtend", shift.ends_at.astimezone(UTC))
        role = "1er appel" if duty.rank == 1 else "renfort"
        event.add("summary", f"Garde {shift.specialty.label} ({role})")
        yield event
