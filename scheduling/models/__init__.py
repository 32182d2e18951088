"""Places and times: specialists' availability (availability.py), advanced consultations
(consultations.py), on-call rosters (oncall.py), private calendar feeds (calendar.py). Each kind
of schedule gets its own module here."""

from scheduling.models.availability import Absence, AvailabilitySlot, Booking
from scheduling.models.calendar import CalendarFeed
from scheduling.models.consultations import (
    SESSION_TRANSITIONS,
    SWAP_TRANSITIONS,
    Appointment,
    ConsultationPlan,
    ConsultationSession,
    ConsultationSite,
    SessionStatus,
    SwapRequest,
    SwapStatus,
    Weekday,
)
from scheduling.models.oncall import (
    SHIFT_PRESET_HOURS,
    SHIFT_TRANSITIONS,
    OnCallDuty,
    OnCallRoster,
    OnCallShift,
    OnCallSwap,
    ShiftPreset,
    ShiftStatus,
)

__all__ = [
    "SESSION_TRANSITIONS",
    "SHIFT_PRESET_HOURS",
    "SHIFT_TRANSITIONS",
    "SWAP_TRANSITIONS",
    "Absence",
    "Appointment",
    "AvailabilitySlot",
    "Booking",
    "CalendarFeed",
    "ConsultationPlan",
    "ConsultationSession",
    "ConsultationSite",
    "OnCallDuty",
    "OnCallRoster",
    "OnCallShift",
    "OnCallSwap",
    "SessionStatus",
    "ShiftPreset",
    "ShiftStatus",
    "SwapRequest",
    "SwapStatus",
    "Weekday",
]
