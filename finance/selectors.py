"""Reads of the ESS's money: the grants, the expenses, the budget against what was spent, and
the specialists' paid time counted from their activity on the platform.

Paid time: each member's count of each activity in the period (computed by the database), times
the activity's rate, rounded to the cent per line; a statement's total is the sum of its lines,
and the year's "Indemnisation des temps médicaux" spent is the sum of the members' statements
plus the expenses recorded under that category. What counts:
- an answer: a télé-expertise referral the specialist completed in the period;
- a session: an advanced-consultation session the specialist held (published, ended);
- a meeting: a held télé-RCP the member attended;
- a training: a held training the member spoke at;
- an hour on call: the hours of the published, ended on-call shifts the specialist was on duty in
  (any rank: a backup is on call too)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.money import cents
from ess.roles import Role
from events.models import Training, TrainingStatus
from finance.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Activity,
    ActivityRate,
    BudgetCategory,
    BudgetLine,
    Expense,
    Grant,
)
from meetings.models import MeetingParticipant, MeetingStatus
from referrals.models import TELEEXPERTISE_MODES, Referral, Status
from scheduling.models import ConsultationSession, OnCallDuty, SessionStatus, ShiftStatus

PARIS = ZoneInfo("Europe/Paris")
ZERO = Decimal("0.00")


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A year, or one of its quarters (1-4)."""

    year: int
    quarter: int | None = None

    @property
    def first(self) -> date:
        return date(self.year, 3 * (self.quarter - 1) + 1 if self.quarter else 1, 1)

    @property
    def after(self) -> date:
        if not self.quarter or self.quarter == 4:
            return date(self.year + 1, 1, 1)
        return date(self.year, 3 * self.quarter + 1, 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=PARIS)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.after, time.min, tzinfo=PARIS)

    @property
    def last(self) -> date:
        return self.after - timedelta(days=1)

    @property
    def label(self) -> str:
        if self.quarter:
            return _("T%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}
        return str(self.year)

    @property
    def key(self) -> str:
        return f"{self.year}-T{self.quarter}" if self.quarter else str(self.year)


def period_from(year, quarter=None) -> Period:
    """The period a page asks for ("2026", "3"); this year when unreadable."""
    today = timezone.localdate()
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = today.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        year = today.year
    try:
        quarter = int(quarter) if quarter else None
    except (TypeError, ValueError):
        quarter = None
    if quarter not in (1, 2, 3, 4):
        quarter = None
    return Period(year, quarter)


# ---------------------------------------------------------------------------------------------
# Grants and expenses
# ---------------------------------------------------------------------------------------------
def grants_of(year: int) -> QuerySet[Grant]:
    return Grant.objects.filter(year=year).order_by("kind", "pk")


def grant_get(public_id) -> Grant:
    return get_object_or_404(Grant, public_id=public_id)


def expenses_of(year: int) -> QuerySet[Expense]:
    return (
        Expense.objects.filter(date__year=year).select_related("receipt").order_by("-date", "-pk")
    )


def expense_get(public_id) -> Expense:
    return get_object_or_404(Expense.objects.select_related("receipt"), public_id=public_id)


def rates() -> dict[str, Decimal]:
    """Each activity's rate (0 for an activity without one)."""
    known = dict(ActivityRate.objects.values_list("activity", "amount"))
    return {activity: known.get(activity, ZERO) for activity in Activity.values}


# ---------------------------------------------------------------------------------------------
# Paid time
# ---------------------------------------------------------------------------------------------
@dataclass
class StatementLine:
    activity: str
    label: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal


@dataclass
class Statement:
    member: object
    period: Period
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def _hours(duration: timedelta | None) -> Decimal:
    if not duration:
        return ZERO
    seconds = duration.days * 86400 + duration.seconds
    return cents(Decimal(seconds) / Decimal(3600))


def activity_counts(period: Period, member_id: int | None = None) -> dict[int, dict[str, Decimal]]:
    """{member id: {activity: quantity}} for the period, one query per activity. Only
    specialists are paid: a coordinator attending a case meeting or giving a training is not
    counted."""
    start, end, now = period.start, period.end, timezone.now()
    counts: dict[int, dict[str, Decimal]] = defaultdict(dict)

    def only(field_name: str) -> Q:
        return Q(**{field_name: member_id}) if member_id else Q()

    def per_member(rows, member: str, started: str, counted: str = "pk", **filters):
        """(member id, how many `counted`) among the `rows` started in the period; a related
        row (`counted` not "pk": a meeting, a training) is counted once however many rows
        name it."""
        in_period = {f"{started}__gte": start, f"{started}__lt": end}
        return (
            rows.filter(only(member), **in_period, **filters)
            .values(member)
            # COUNT(*) for rows: the answers are read from referral_teleexpertise_done alone.
            .annotate(n=Count("*") if counted == "pk" else Count(counted, distinct=True))
            .values_list(member, "n")
        )

    activities = {
        Activity.ANSWER: per_member(
            Referral.objects,
            "specialist_id",
            "completed_at",
            status=Status.COMPLETED,
            response_mode__in=TELEEXPERTISE_MODES,
            specialist__isnull=False,
        ),
        Activity.SESSION: per_member(
            ConsultationSession.objects,
            "specialist_id",
            "starts_at",
            status=SessionStatus.PUBLISHED,
            specialist__isnull=False,
            ends_at__lte=now,
        ),
        Activity.MEETING: per_member(
            MeetingParticipant.objects,
            "user_id",
            "meeting__starts_at",
            "meeting_id",
            attended=True,
            user__role_grants__role=Role.SPECIALIST,
            meeting__status=MeetingStatus.HELD,
        ),
        Activity.TRAINING: per_member(
            Training.speakers.through.objects,
            "user_id",
            "training__starts_at",
            "training_id",
            user__role_grants__role=Role.SPECIALIST,
            training__status=TrainingStatus.HELD,
        ),
    }
    for activity, rows in activities.items():
        for member, n in rows:
            counts[member][activity] = Decimal(n)
    on_call = (
        OnCallDuty.objects.filter(
            only("specialist_id"),
            shift__status=ShiftStatus.PUBLISHED,
            shift__starts_at__gte=start,
            shift__starts_at__lt=end,
            shift__ends_at__lte=now,
        )
        .values("specialist_id")
        .annotate(duration=Sum(F("shift__ends_at") - F("shift__starts_at")))
    )
    for row in on_call:
        if hours := _hours(row["duration"]):
            counts[row["specialist_id"]][Activity.ON_CALL_HOUR] = hours
    return counts


def _statement(member, period: Period, quantities: dict, rate_of: dict) -> Statement:
    labels = dict(Activity.choices)
    statement = Statement(member=member, period=period)
    for activity in Activity.values:
        quantity = quantities.get(activity)
        if not quantity:
            continue
        rate = rate_of[activity]
        statement.lines.append(
            StatementLine(activity, str(labels[activity]), quantity, rate, cents(quantity * rate))
        )
    return statement


def paid_time(period: Period) -> list[Statement]:
    """Every member with activity in the period, their statement each, by name. A constant
    number of queries."""
    counts = activity_counts(period)
    rate_of = rates()
    members = get_user_model().objects.filter(pk__in=counts).order_by("last_name", "first_name")
    return [_statement(member, period, counts[member.pk], rate_of) for member in members]


def statement_of(member, period: Period) -> Statement:
    """One member's statement for the period (empty when they had no activity)."""
    counts = activity_counts(period, member_id=member.pk)
    return _statement(member, period, counts.get(member.pk, {}), rates())


def member_get(public_id):
    return get_object_or_404(get_user_model(), public_id=public_id)


# ---------------------------------------------------------------------------------------------
# Budget against what was spent
# ---------------------------------------------------------------------------------------------
@dataclass
class BudgetRow:
    category: str
    label: str
    planned: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.spent


@dataclass
class FinancialSummary:
    """A year's money: the budget against what was spent, per category, and the grants."""

    year: int
    rows: list[BudgetRow]
    grants: list[Grant]
    paid_time: Decimal

    @property
    def planned(self) -> Decimal:
        return sum((row.planned for row in self.rows), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((row.spent for row in self.rows), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.spent

    @property
    def granted(self) -> Decimal:
        return sum((grant.amount for grant in self.grants), ZERO)

    @property
    def received(self) -> Decimal:
        return sum((grant.amount for grant in self.grants if grant.received_on), ZERO)

    @property
    def balance(self) -> Decimal:
        """The grants received less what was spent."""
        return self.received - self.spent


def financial_summary(year: int) -> FinancialSummary:
    """The year's budget against what was spent (sums by the database) and its grants: the
    financial annex of the ESS's reports. "Indemnisation des temps médicaux" spent includes the
    year's paid time (the sum of the members' statements)."""
    planned = dict(BudgetLine.objects.filter(year=year).values_list("category", "amount"))
    spent = dict(
        Expense.objects.filter(date__year=year)
        .values("category")
        .annotate(total=Sum("amount"))
        .values_list("category", "total")
    )
    medical_time = sum((s.total for s in paid_time(Period(year))), ZERO)
    rows = []
    for category, label in BudgetCategory.choices:
        amount = spent.get(category) or ZERO
        if category == BudgetCategory.MEDICAL_TIME:
            amount += medical_time
        rows.append(BudgetRow(category, str(label), planned.get(category) or ZERO, amount))
    return FinancialSummary(
        year=year, rows=rows, grants=list(grants_of(year)), paid_time=medical_time
    )
