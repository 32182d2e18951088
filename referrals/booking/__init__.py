"""A referral in scheduling's places and times: booked into a specialist's slot or an
advanced-consultation session, the place given back when the case leaves, the booking panels of
the referral page, and the figures of patients seen that the indicators read.

Scheduling (slots, sessions, appointments) knows nothing of a referral's status: everything that
does lives here."""

from referrals.booking.selectors import advanced_consultation_figures, advanced_consultation_sites

__all__ = ["advanced_consultation_figures", "advanced_consultation_sites"]
