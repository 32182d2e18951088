"""What the SAS (service d'accès aux soins) may see: the free places members opened to it, for
unscheduled care (availability slots) and in advanced consultations (the appointment places of
a session). Two queries whatever the number of places; nothing about patients."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ess.text import fold
from scheduling.models import Absence, AvailabilitySlot, ConsultationSession, SessionStatus
from scheduling.selectors import free_slots, with_fill


@dataclass(frozen=True)
class SasPlace:
    """One free place: an availability slot (`session` None) or an appointment place of an
    advanced-consultation session (`position` numbers it in the session)."""

    starts_at: datetime
    ends_at: datetime
    specialist: object  # members.User, with its specialty row as `specialty`
    specialty: object  # ess.Specialty
    slot: AvailabilitySlot | None = None
    session: ConsultationSession | None = None
    position: int = 0

    @classmethod
    def of_session(cls, session: ConsultationSession, position: int) -> "SasPlace":
        """The appointment place `position` of a session."""
        step = timedelta(minutes=session.slot_minutes)
        starts_at = session.starts_at + position * step
        return cls(
            starts_at=starts_at,
            ends_at=starts_at + step,
            specialist=session.specialist,
            specialty=session.specialty,
            session=session,
            position=position,
        )

    @property
    def site(self):
        return self.session.site if self.session is not None else None

    @property
    def teleconsultation(self) -> bool:
        return self.slot is not None and self.slot.teleconsultation

    @property
    def place(self) -> str:
        """The place typed by the specialist for a slot ("" for a teleconsultation)."""
        return self.slot.place if self.slot is not None else ""


@dataclass(frozen=True)
class SasFilters:
    """What the SAS searches for. `start`/`end`: the places that begin in [start, end)."""

    start: datetime
    end: datetime
    specialties: tuple[str, ...] = ()  # Specialty codes, any of them
    city: str = ""  # a commune's name, or a word of the place typed for a slot
    postal_code: str = ""
    national_ids: tuple[str, ...] = ()  # "8" + RPPS
    slot_id: UUID | None = None  # one availability slot
    session_id: UUID | None = None  # one session's places


def _specialists_ok(prefix: str, filters: SasFilters) -> Q:
    """Active specialists with an RPPS (the SAS names them by it), of the specialties asked."""
    q = Q(**{f"{prefix}is_active": True}) & ~Q(**{f"{prefix}rpps": ""})
    rpps = [n[1:] for n in filters.national_ids if n.startswith("8") and len(n) > 1]
    if filters.national_ids:
        q &= Q(**{f"{prefix}rpps__in": rpps})
    return q


def _urgent(filters: SasFilters) -> list[SasPlace]:
    qs = (
        free_slots()
        .filter(sas_open=True, starts_at__gte=filters.start, starts_at__lt=filters.end)
        .filter(_specialists_ok("specialist__", filters))
        .select_related("specialist", "specialty")
    )
    if filters.slot_id is not None:
        qs = qs.filter(public_id=filters.slot_id)
    if filters.session_id is not None:
        return []
    if filters.specialties:
        qs = qs.filter(specialty__code__in=filters.specialties)
    if filters.city:
        qs = qs.filter(teleconsultation=False, place__icontains=filters.city)
    if filters.postal_code:
        qs = qs.filter(teleconsultation=False, place__contains=filters.postal_code)
    return [
        SasPlace(
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            specialist=slot.specialist,
            specialty=slot.specialty,
            slot=slot,
        )
        for slot in qs
    ]


def _sessions(filters: SasFilters) -> list[SasPlace]:
    if filters.slot_id is not None:
        return []
    now = timezone.now()
    absent = Exists(
        Absence.objects.filter(
            specialist_id=OuterRef("specialist_id"),
            starts_on__lte=OuterRef("date"),
            ends_on__gte=OuterRef("date"),
        )
    )
    qs = (
        with_fill(
            ConsultationSession.objects.filter(
                sas_open=True,
                status=SessionStatus.PUBLISHED,
                starts_at__lt=filters.end,
                ends_at__gt=max(filters.start, now),
                site__active=True,
            )
            .filter(_specialists_ok("specialist__", filters))
            .exclude(plan__protocol__isnull=False)  # nurse-led consultations
            .exclude(absent)
        )
        .filter(free__gt=0)
        .annotate(
            taken=ArrayAgg(
                "appointments__position",
                distinct=True,
                filter=Q(appointments__isnull=False),
                default=[],
            )
        )
        .select_related("site__commune", "specialist", "specialty")
        .order_by("starts_at", "pk")
    )
    if filters.session_id is not None:
        qs = qs.filter(public_id=filters.session_id)
    if filters.specialties:
        qs = qs.filter(specialty__code__in=filters.specialties)
    if filters.city:
        qs = qs.filter(site__commune__search_name=fold(filters.city))
    if filters.postal_code:
        qs = qs.filter(site__commune__postal_codes__contains=filters.postal_code)
    places = []
    for session in qs:
        taken = set(session.taken)
        for position in range(session.capacity):
            if position in taken:
                continue
            place = SasPlace.of_session(session, position)
            if filters.start <= place.starts_at < filters.end and place.starts_at > now:
                places.append(place)
    return places


def sas_free_places(filters: SasFilters) -> list[SasPlace]:
    """The free places opened to the SAS that begin in the period, soonest first: not booked,
    not past, not during their specialist's absence, session published and not full. Two
    queries."""
    places = _urgent(filters) + _sessions(filters)
    return sorted(places, key=lambda p: (p.starts_at, p.specialist.pk, p.position))


def sas_place_get(
    *,
    slot_id: UUID | None = None,
    session_id: UUID | None = None,
    position: int = 0,
    horizon: timedelta,
) -> tuple[SasPlace, bool] | None:
    """One place opened to the SAS and to come, with whether it is still free; None when it
    is not opened to the SAS (or no longer), past, or does not exist. Two queries at most."""
    now = timezone.now()
    filters = SasFilters(start=now, end=now + horizon, slot_id=slot_id, session_id=session_id)
    for place in sas_free_places(filters):
        if place.position == position:
            return place, True
    ok = _specialists_ok("specialist__", filters)
    if slot_id is not None:
        slot = (
            AvailabilitySlot.objects.filter(ok, public_id=slot_id, sas_open=True, starts_at__gt=now)
            .select_related("specialist", "specialty")
            .first()
        )
        if slot is None:
            return None
        place = SasPlace(
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            specialist=slot.specialist,
            specialty=slot.specialty,
            slot=slot,
        )
        return place, False
    session = (
        ConsultationSession.objects.filter(
            ok, public_id=session_id, sas_open=True, status=SessionStatus.PUBLISHED
        )
        .exclude(plan__protocol__isnull=False)
        .select_related("site__commune", "specialist", "specialty")
        .first()
    )
    if session is None or not 0 <= position < session.capacity:
        return None
    place = SasPlace.of_session(session, position)
    if place.starts_at <= now:
        return None
    return place, False
