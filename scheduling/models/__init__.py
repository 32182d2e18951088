"""Places and times: specialists' availability (availability.py), advanced consultations
(consultations.py), private calendar feeds (calendar.py), opening hours and
closures (hours.py). Each kind of schedule gets its own
module here, the on-call rosters included when they come."""

from scheduling.models.availability import Absence, AvailabilitySlot, Booking
from scheduling.models.calendar import CalendarFeed
from scheduling.models.consultations import (
    SESSION_TRANSITIONS,
    Appointment,
    ConsultationPlan,
    ConsultationSession,
    ConsultationSite,
    SessionStatus,
    SwapRequest,
    SwapStatus,
    Weekday,
)
from scheduling.models.hours import Closure, Day, OpeningRange

__all__ = [
    "SESSION_TRANSITIONS",
    "Absence",
    "Appointment",
    "AvailabilitySlot",
    "Booking",
    "CalendarFeed",
    "Closure",
    "ConsultationPlan",
    "ConsultationSession",
    "ConsultationSite",
    "Day",
    "OpeningRange",
    "SessionStatus",
    "SwapRequest",
    "SwapStatus",
    "Weekday",
]
