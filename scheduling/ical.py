"""A specialist's iCalendar feed: their sessions (site, address) and the appointments booked
into them. Appointments carry the referral reference and the time only: a calendar URL is
easily shared or synced to third-party services, so no patient name goes into it."""

from datetime import UTC, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar, Event

from scheduling.models import Appointment, ConsultationSession, SessionStatus

PAST_DAYS = 60


def calendar_for(user) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ESS//Consultations avancees//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Consultations avancées")
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
    return calendar.to_ical()
