"""The public iCalendar feed of the published trainings: what anyone may read on the list."""

from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event


def trainings_calendar(trainings) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ESS//Formations//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "ESS : formations et événements")
    domain = settings.ESS_BASE_URL.split("//")[-1].strip("/") or "ess"
    now = timezone.now().astimezone(UTC)
    for training in trainings:
        event = Event()
        event.add("uid", f"formation-{training.public_id}@{domain}")
        event.add("dtstamp", now)
        event.add("dtstart", training.starts_at.astimezone(UTC))
        event.add("dtend", training.ends_at.astimezone(UTC))
        event.add("summary", training.title)
        event.add("location", training.place or "Visioconférence")
        if training.summary:
            event.add("description", training.summary)
        event.add(
            "url", settings.ESS_BASE_URL + reverse("events:detail", args=[training.public_id])
        )
        calendar.add_component(event)
    return calendar.to_ical()
