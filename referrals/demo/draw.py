"""The demo year drawn from the data file: who asks what, when, and how each case ends. One
seeded random generator, so two runs on the same day draw the same referrals."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from ess.models import Specialty
from members.models import User
from referrals.demo.data import (
    ANSWER,
    CANCEL,
    CONSULTATION,
    OPINION,
    REORIENT,
    Case,
    DemoData,
    Pending,
)
from referrals.demo.people import Patients, age_at, clinical_values
from referrals.demo.story import STAGE_STATUS, Scenario, Story, moment
from referrals.models import (
    TELEEXPERTISE_MODES,
    PreferredResponse,
    Priority,
    ResponseMode,
    Status,
    priority_delay,
)
from referrals.services import PatientInput

URGENT_PRIORITIES = frozenset({Priority.P1, Priority.P2})
FAST_MODES = frozenset(
    {
        ResponseMode.TELEEXPERTISE_SYNC,
        ResponseMode.URGENT_CONSULTATION,
        ResponseMode.HOSPITAL_ORIENTATION,
    }
)
CONSULTATION_MODES = frozenset(
    {
        ResponseMode.TELECONSULTATION,
        ResponseMode.URGENT_CONSULTATION,
        ResponseMode.ADVANCED_CONSULTATION,
    }
)


def supports(case: Case, outcome: str) -> bool:
    if outcome == OPINION:
        return case.consultation is not None and bool(TELEEXPERTISE_MODES & set(case.modes))
    if outcome == CONSULTATION:
        return case.consultation is not None and bool(CONSULTATION_MODES & set(case.modes))
    if outcome == ANSWER:
        return bool(set(case.modes) - CONSULTATION_MODES)
    return True


class Year:
    """Draws the year's referrals (who, what, how it ends) and plans each one's story."""

    def __init__(self, data: DemoData, users: dict[str, User], specialty: Specialty, now: datetime):
        self.rng = random.Random(data.year.seed)  # noqa: S311 -- reproducible demo data
        self.data = data
        self.users = users
        self.specialty = specialty
        self.now = now
        self.people = Patients(self.rng, data.people, ins_share=data.year.ins_share)

    def stories(self) -> list[Story]:
        history_count = self.data.year.referrals - sum(spec.count for spec in self.data.pending)
        held = [self._held(spec) for spec in self.data.pending for _ in range(spec.count)]
        return self._history(history_count) + held

    def _history(self, count: int) -> list[Story]:
        stories = []
        for at in self._submission_times(count):
            gp_key = self._pick(self.data.mix.requester)
            patient = None
            if self.rng.random() < self.data.year.returning_share:
                patient = self.people.returning(gp_key, at)
            if patient:
                urgency, case = self._case(age=age_at(patient.birth_date, at))
            else:
                urgency, case = self._case()
                patient = self.people.new(self.users[gp_key], gp_key, self._age(case), at)
            scenario = self._scenario(gp_key, patient, case, urgency, at)
            stories.append(Story(scenario, self.data, now=self.now).plan(self._fork()))
        return stories

    def _held(self, spec: Pending) -> Story:
        """A recent referral held at `spec.stage`: its submission time is drawn again until
        its story reaches that stage before now (and is overdue only when it should be)."""
        gp_key = self._pick(self.data.mix.requester)
        urgency, case = self._case(urgencies=spec.urgencies, outcome=spec.outcome)
        patient = self.people.new(self.users[gp_key], gp_key, self._age(case), self.now)
        scale = priority_delay(urgency) / timedelta(hours=1) if spec.per_delay else 1
        for _attempt in range(200):
            at = _awake(self.now - timedelta(hours=self.rng.uniform(*spec.age) * scale))
            scenario = self._scenario(gp_key, patient, case, urgency, at, spec)
            story = Story(scenario, self.data, now=self.now, hold=spec.stage).plan(self._fork())
            if self._is_held(story, spec):
                return story
        raise RuntimeError(f"No demo referral held at {spec.stage!r}: adjust `pending`.")

    def _is_held(self, story: Story, spec: Pending) -> bool:
        if not story.held or story.status != STAGE_STATUS[spec.stage]:
            return False
        if story.due_at and (story.due_at < self.now) != spec.overdue:
            return False
        return spec.stage != "scheduled" or story.appointment_at > self.now

    def _scenario(
        self,
        gp_key: str,
        patient: PatientInput,
        case: Case,
        urgency: str,
        at: datetime,
        spec: Pending | None = None,
    ) -> Scenario:
        rng, texts, desks = self.rng, self.data.texts, self.data.desks
        requester = self.users[gp_key]
        values = clinical_values(rng, patient, at, texts.surgeries)

        def fill(*templates: str) -> tuple[str, ...]:
            return tuple(template.format(**values) for template in templates)

        outcome = spec.outcome if spec else self._closure(case, urgency)
        priority = urgency if spec else self._regulated(urgency)
        mode = self._mode(case, priority, outcome)
        outcome = outcome or self._completion(case, mode)
        at_intake = outcome == REORIENT and (urgency == Priority.P1 or rng.random() < 0.5)
        if spec:
            declined = spec.declined
        elif outcome == REORIENT:
            declined = not at_intake
        else:
            declined = outcome != CANCEL and rng.random() < 0.07
        offer = self._offer(case, named=spec.named if spec else None)
        decliner = (offer or self._specialist()) if declined else None
        taker = offer if offer and not declined else self._specialist(excluding=decliner)
        cancel_from = self._cancel_stage() if outcome == CANCEL else ""
        wants_info = spec.info if spec else urgency != Priority.P1 and rng.random() < 0.1
        wants_info = wants_info or cancel_from == Status.INFO_REQUESTED
        talks = outcome in (ANSWER, OPINION, CONSULTATION) and rng.random() < 0.08
        question, context = fill(case.question, case.context)
        urgent, quick = urgency in URGENT_PRIORITIES, priority in URGENT_PRIORITIES
        return Scenario(
            requester=requester,
            coordinator=self.users["coordination"],
            specialty=self.specialty,
            patient=patient,
            submitted_at=at,
            question=question,
            context=context,
            urgency=urgency,
            priority=priority,
            mode=mode,
            outcome=outcome,
            taker=taker,
            coordination=desks["urgent_coordination" if urgent else "coordination"],
            consultations=desks["urgent_consultations" if quick else "consultations"],
            offer=offer,
            decliner=decliner,
            preferred_response=(
                case.preferred if rng.random() < 0.7 else PreferredResponse.NO_PREFERENCE
            ),
            callback_availability=rng.choice(texts.callbacks) if rng.random() < 0.35 else "",
            triage_note=self._triage_note(offer),
            priority_note=self._priority_note(urgency, priority),
            decline_reason=fill(
                texts.decline_to_reorient
                if outcome == REORIENT
                else rng.choice(texts.decline_reasons)
            )[0],
            reorientation=fill(*case.reorient) if case.reorient else ("", ""),
            reorient_at_intake=at_intake,
            cancel_from=cancel_from,
            cancel_reason=fill(rng.choice(texts.cancel_reasons))[0],
            info_exchange=fill(*rng.choice(texts.info_exchanges)) if wants_info else None,
            specialist_exchange=fill(*rng.choice(texts.specialist_exchanges)) if talks else None,
            answer=fill(
                *(
                    case.hospital
                    if mode == ResponseMode.HOSPITAL_ORIENTATION
                    else (case.answer, case.actions)
                )
            ),
            report=fill(*case.consultation) if case.consultation else ("", ""),
            location=self._location(requester, mode, outcome),
            due_fraction=self._due_fraction(mode, late=not spec and rng.random() < 0.14),
            feedback=self._feedback(mode, outcome),
        )

    def _submission_times(self, count: int) -> list[datetime]:
        year = self.data.year
        times = []
        while len(times) < count:
            days_ago = self.rng.uniform(0, year.days)
            weight = 1 - year.ramp * days_ago / year.days
            if days_ago < year.recent_days:
                weight *= year.recent_share
            if self.rng.random() < weight:
                times.append(self._submitted(days_ago))
        return sorted(times)

    def _submitted(self, days_ago: float) -> datetime:
        """When a GP sends a referral: office hours, rarely at the weekend."""
        rng = self.rng
        day = timezone.localdate(self.now) - timedelta(days=int(days_ago))
        if day.weekday() >= 5 and rng.random() < 0.85:
            day -= timedelta(days=day.weekday() - 4)
        hour = rng.choices(range(8, 22), weights=self.data.mix.submission_hours)[0]
        at = moment(day, hour, rng.randint(0, 59))
        return at if at < self.now else at - timedelta(days=1)

    def _case(
        self, *, age: int | None = None, urgencies=(), outcome: str | None = None
    ) -> tuple[str, Case]:
        """An urgency (with the ESS's mix) and a case a GP would ask with it, for a patient of
        that age when known (relaxed if nothing fits)."""
        mix = {u: w for u, w in self.data.mix.priority.items() if not urgencies or u in urgencies}
        for attempt in range(100):
            urgency = self._pick(mix)
            cases = [
                case
                for case in self.data.cases
                if urgency in case.urgencies
                and (age is None or attempt > 20 or case.ages[0] <= age <= case.ages[1])
                and (outcome is None or (supports(case, outcome) and not case.always_reoriented))
            ]
            if cases:
                return urgency, self.rng.choice(cases)
        raise RuntimeError("No demo case fits: check `cases` in the data file.")

    def _age(self, case: Case) -> int:
        low, high = case.ages
        return round(self.rng.triangular(low, high, low + 0.65 * (high - low)))

    def _closure(self, case: Case, urgency: str) -> str | None:
        """REORIENT or CANCEL when the case leaves the ESS unanswered; None otherwise."""
        if case.always_reoriented:
            return REORIENT
        reoriented = 0.3 if urgency == Priority.P1 else 0.07
        if case.reorient and self.rng.random() < reoriented:
            return REORIENT
        return CANCEL if self.rng.random() < 0.05 else None

    def _regulated(self, urgency: str) -> str:
        """The coordinator keeps the requested urgency, or changes it by one level."""
        if self.rng.random() >= 0.12:
            return urgency
        levels = list(Priority.values)
        index = levels.index(urgency)
        if index == 0:
            step = 1
        elif index == len(levels) - 1:
            step = -1
        else:
            step = 1 if self.rng.random() < 0.65 else -1
        return levels[index + step]

    def _mode(self, case: Case, priority: str, outcome: str | None) -> str:
        def fits(mode: str) -> bool:
            if outcome == CONSULTATION:
                return mode in CONSULTATION_MODES
            if outcome == OPINION:
                return mode in TELEEXPERTISE_MODES
            if outcome == ANSWER:
                return mode not in CONSULTATION_MODES
            return True

        modes = [mode for mode in case.modes if fits(mode)]
        urgent = priority in URGENT_PRIORITIES
        preferred = [mode for mode in modes if (mode in FAST_MODES) == urgent]
        return self.rng.choice(preferred or modes)

    def _completion(self, case: Case, mode: str) -> str:
        if mode in CONSULTATION_MODES:
            return CONSULTATION
        if mode in TELEEXPERTISE_MODES and case.consultation and self.rng.random() < 0.25:
            return OPINION
        return ANSWER

    def _offer(self, case: Case, *, named: bool | None = None) -> User | None:
        """A named cardiologist (often the one for this kind of question), or None: the pool."""
        if named is None:
            named = self.rng.random() < 0.4
        if not named:
            return None
        if case.expert and self.rng.random() < 0.7:
            return self.users[case.expert]
        return self._specialist()

    def _specialist(self, excluding: User | None = None) -> User:
        mix = {k: w for k, w in self.data.mix.specialist.items() if self.users[k] != excluding}
        return self.users[self._pick(mix)]

    def _cancel_stage(self) -> str:
        stages = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.TRIAGED)
        return self.rng.choices(stages, weights=(35, 15, 50))[0]

    def _triage_note(self, offer: User | None) -> str:
        if self.rng.random() < 0.5:
            return ""
        if offer:
            return f"Proposée directement au {offer.display_name}."
        return "Proposée à l'ensemble des cardiologues de l'ESS."

    def _priority_note(self, urgency: str, priority: str) -> str:
        if priority == urgency:
            return ""
        texts = self.data.texts
        template = texts.priority_down if priority > urgency else texts.priority_up
        return template.format(urgency=urgency, priority=priority)

    def _location(self, requester: User, mode: str, outcome: str) -> str:
        if outcome == OPINION and self.rng.random() < 0.5:
            mode = ResponseMode.ADVANCED_CONSULTATION
        organisation = requester.organisation
        if mode == ResponseMode.ADVANCED_CONSULTATION and organisation:
            return f"Consultation avancée — {organisation.name}"
        if mode == ResponseMode.TELECONSULTATION and organisation:
            return f"Téléconsultation assistée — {organisation.name}"
        return self.data.year.cabinet

    def _due_fraction(self, mode: str, *, late: bool) -> float:
        """When the answer (or appointment) comes, as a share of the priority's delay."""
        if late:
            return self.rng.uniform(1.05, 1.6)
        if mode in CONSULTATION_MODES:
            return self.rng.triangular(0.15, 0.85, 0.5)
        return self.rng.triangular(0.05, 0.85, 0.25)

    def _feedback(self, mode: str, outcome: str) -> tuple[bool, bool] | None:
        if self.rng.random() >= 0.6:
            return None
        useful = self.rng.random() < 0.92
        avoidable = outcome == ANSWER and mode in TELEEXPERTISE_MODES
        avoided = useful and self.rng.random() < (0.78 if avoidable else 0.1)
        return useful, avoided

    def _fork(self) -> random.Random:
        """A generator for one story: where the present cuts a story short then changes
        nothing for the next ones."""
        return random.Random(self.rng.getrandbits(64))  # noqa: S311 -- demo data

    def _pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]


def _awake(at: datetime) -> datetime:
    """Night-time submissions are moved to the evening before."""
    hour = timezone.localtime(at).hour
    return at - timedelta(hours=hour + 2) if hour < 7 else at
