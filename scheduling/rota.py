"""A fair rota: who runs which session of a plan.

`fair_assignment` is pure (no database): sessions in date order, each given to the least-loaded
available volunteer, then loads are evened out along "augmenting paths" (A takes a session from B,
B takes one from C… until someone with two more sessions than A gives one up). When nobody can
improve that way, max − min ≤ 1 unless the volunteers' constraints make it impossible.
`Availability` answers "is this volunteer free for this session" from a few queries loaded once.
"""

from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.models import (
    Absence,
    AvailabilitySlot,
    ConsultationSession,
    OnCallDuty,
    SessionStatus,
)


@dataclass(frozen=True)
class SessionSlot:
    key: Hashable
    starts_at: datetime
    ends_at: datetime

    @property
    def day(self) -> date:
        return timezone.localtime(self.starts_at).date()


def fair_assignment(
    sessions: Sequence[SessionSlot],
    volunteers: Sequence[Hashable],
    available: Callable[[Hashable, SessionSlot], bool],
    *,
    fixed_loads: dict | None = None,
) -> dict[Hashable, Hashable | None]:
    """{session key: volunteer or None (nobody available)}. `fixed_loads` counts sessions the
    volunteers already run that the rota does not move (published ones)."""
    loads = {v: (fixed_loads or {}).get(v, 0) for v in volunteers}
    order = {v: i for i, v in enumerate(volunteers)}
    by_key = {s.key: s for s in sessions}
    assign: dict[Hashable, Hashable | None] = {}
    for session in sorted(sessions, key=lambda s: s.starts_at):
        candidates = [v for v in volunteers if available(v, session)]
        if not candidates:
            assign[session.key] = None
            continue
        chosen = min(candidates, key=lambda v: (loads[v], order[v]))
        assign[session.key] = chosen
        loads[chosen] += 1
    _even_out(assign, loads, volunteers, lambda v, key: available(v, by_key[key]))
    return assign


def _even_out(assign, loads, volunteers, available) -> None:
    # Each augmentation moves one session from a volunteer with ≥ min + 2 to one with min: the
    # sum of squared loads strictly decreases, so this ends.
    while True:
        for start in sorted(volunteers, key=lambda v: loads[v]):
            found = _augmenting_path(start, assign, loads, available)
            if found:
                moves, giver = found
                for key, taker in moves:
                    assign[key] = taker
                loads[start] += 1
                loads[giver] -= 1
                break
        else:
            return


def _augmenting_path(start, assign, loads, available):
    """Moves [(session key, new holder)] that give `start` one more session and take one from
    a volunteer holding at least two more than `start`, and that volunteer; or None."""
    parent = {start: None}
    queue = deque([start])
    while queue:
        taker = queue.popleft()
        for key, holder in assign.items():
            if holder is None or holder in parent or not available(taker, key):
                continue
            parent[holder] = (taker, key)
            if loads[holder] >= loads[start] + 2:
                moves = []
                node = holder
                while parent[node] is not None:
                    prev, moved_key = parent[node]
                    moves.append((moved_key, prev))
                    node = prev
                return moves, holder
            queue.append(holder)
    return None


class Availability:
    """Volunteers' constraints over a period: absences, other sessions (any site, not
    cancelled), published availability slots (unless `slots` is false). Loaded in three
    queries."""

    def __init__(
        self, specialist_ids, start: datetime, end: datetime, *, exclude_sessions=(), slots=True
    ):
        ids = list(specialist_ids)
        self.absences: dict = {}
        for a in Absence.objects.filter(
            specialist_id__in=ids,
            starts_on__lte=timezone.localtime(end).date(),
            ends_on__gte=timezone.localtime(start).date(),
        ):
            self.absences.setdefault(a.specialist_id, []).append((a.starts_on, a.ends_on))
        self.busy: dict = {}
        sessions = (
            ConsultationSession.objects.filter(
                specialist_id__in=ids, starts_at__lt=end, ends_at__gt=start
            )
            .exclude(status=SessionStatus.CANCELLED)
            .exclude(pk__in=list(exclude_sessions))
            .select_related("site")
        )
        for s in sessions:
            self.busy.setdefault(s.specialist_id, []).append(
                (
                    s.starts_at,
                    s.ends_at,
                    _("déjà en consultation avancée à %(site)s") % {"site": s.site},
                )
            )
        slots_qs = AvailabilitySlot.objects.filter(
            specialist_id__in=ids, starts_at__lt=end, ends_at__gt=start
        )
        for slot in slots_qs if slots else ():
            self.busy.setdefault(slot.specialist_id, []).append(
                (slot.starts_at, slot.ends_at, _("un créneau de disponibilité est publié"))
            )

    def conflict(self, specialist_id, session: SessionSlot) -> str:
        """Why the specialist cannot run the session ("" when they can)."""
        day = session.day
        for starts_on, ends_on in self.absences.get(specialist_id, ()):
            if starts_on <= day <= ends_on:
                return _("absent ce jour-là")
        for starts_at, ends_at, why in self.busy.get(specialist_id, ()):
            if starts_at < session.ends_at and ends_at > session.starts_at:
                return why
        return ""

    def available(self, specialist_id, session: SessionSlot) -> bool:
        return not self.conflict(specialist_id, session)


class OnCallAvailability(Availability):
    """Constraints of on-call volunteers: absences, advanced-consultation sessions, and their
    other on-call duties (any specialty, the shifts being rostered excepted). A published
    availability slot does not prevent being on call: the phone is answered between patients."""

    def __init__(self, specialist_ids, start: datetime, end: datetime, *, exclude_shifts=()):
        ids = list(specialist_ids)
        super().__init__(ids, start, end, slots=False)
        duties = (
            OnCallDuty.objects.filter(
                specialist_id__in=ids, shift__starts_at__lt=end, shift__ends_at__gt=start
            )
            .exclude(shift_id__in=list(exclude_shifts))
            .select_related("shift__specialty")
        )
        for duty in duties:
            self.busy.setdefault(duty.specialist_id, []).append(
                (
                    duty.shift.starts_at,
                    duty.shift.ends_at,
                    _("déjà de garde (%(specialty)s)") % {"specialty": duty.shift.specialty},
                )
            )
