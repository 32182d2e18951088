"""Every write on places and times: specialists' slots and absences (availability.py),
advanced-consultation sites and plans (sites.py), sessions, their rota and appointments
(sessions.py), swaps (swaps.py), calendar feeds (calendar.py), on-call rosters (oncall.py) and
their swaps and gap warnings (oncall_swaps.py), the ESS's opening hours and closures (hours.py).

Same order as every service (docs/architecture.md): atomic → lock → actor check
(PermissionDenied) → rules (ValidationError 400 / TransitionNotAllowed 409) → write →
notifications in the same transaction.

Lock order, the same everywhere, so that no two transactions wait on each other:

    referral → availability slot → consultation session

A referral is booked into a slot or a session, or gives its place back, only inside a referral
service that has locked the referral's row first (referrals/booking/services.py, and the
referral transitions that release a place). The slot or session row comes second; a referral
that moves from a slot to a session gives the slot back before it takes the session.
Scheduling's own writes that lock several rows take the plan or the swap request before its
sessions, and a swap that hands a session over locks the referrals booked into it before the
session. Appointments and bookings are deleted only under their slot's or session's lock.
"""

from scheduling.services.availability import (
    absence_delete,
    absence_record,
    booking_release_for_referral,
    slot_delete,
    slot_publish,
    slot_reserve,
    slot_sas_set,
)
from scheduling.services.calendar import calendar_feed_regenerate, calendar_feed_revoke
from scheduling.services.common import SessionFull, SlotFull
from scheduling.services.hours import (
    closure_add,
    closure_delete,
    opening_range_add,
    opening_range_delete,
)
from scheduling.services.oncall import (
    RosterResult,
    ShiftsResult,
    on_call_duty_assign,
    on_call_roster_generate,
    on_call_roster_publish,
    on_call_shift_create,
    on_call_shift_delete,
    on_call_shifts_create,
    on_call_volunteer,
    on_call_volunteers_set,
    preset_span,
)
from scheduling.services.oncall_swaps import (
    on_call_gaps_warn,
    on_call_swap_decide,
    on_call_swap_request,
)
from scheduling.services.sessions import (
    RotaResult,
    appointment_release_for_referral,
    appointment_reserve,
    rota_propose,
    session_assign,
    session_cancel,
    session_location,
    session_sas_set,
    sessions_publish,
    specialist_conflict,
)
from scheduling.services.sites import (
    PlanInput,
    SiteInput,
    plan_create,
    plan_dates,
    plan_generate_sessions,
    plan_set_volunteers,
    site_create,
    site_update,
)
from scheduling.services.swaps import session_handed_over, swap_decide, swap_request

__all__ = [
    "PlanInput",
    "RosterResult",
    "RotaResult",
    "SessionFull",
    "ShiftsResult",
    "SiteInput",
    "SlotFull",
    "absence_delete",
    "absence_record",
    "appointment_release_for_referral",
    "appointment_reserve",
    "booking_release_for_referral",
    "calendar_feed_regenerate",
    "calendar_feed_revoke",
    "closure_add",
    "closure_delete",
    "on_call_duty_assign",
    "on_call_gaps_warn",
    "on_call_roster_generate",
    "on_call_roster_publish",
    "on_call_shift_create",
    "on_call_shift_delete",
    "on_call_shifts_create",
    "on_call_swap_decide",
    "on_call_swap_request",
    "on_call_volunteer",
    "on_call_volunteers_set",
    "opening_range_add",
    "opening_range_delete",
    "plan_create",
    "plan_dates",
    "plan_generate_sessions",
    "plan_set_volunteers",
    "preset_span",
    "rota_propose",
    "session_assign",
    "session_cancel",
    "session_handed_over",
    "session_location",
    "session_sas_set",
    "sessions_publish",
    "site_create",
    "site_update",
    "slot_delete",
    "slot_publish",
    "slot_reserve",
    "slot_sas_set",
    "specialist_conflict",
    "swap_decide",
    "swap_request",
]
