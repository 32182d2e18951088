"""The figures of care pathways and case meetings (télé-RCP), in one statement.

Five one-row aggregates (pathways, delegated tasks, alerts, meetings held, cases decided), each
the ORM's query, side by side in one SELECT: every part is an aggregate without GROUP BY, so it
gives exactly one row even over no rows. The median time to the doctor's answer is PostgreSQL's
`percentile_cont`; on SQLite (development only) one more query reads the durations and the
median is computed in Python.

- Open pathways: opened before the period's end, with no closing in their history before it
  (active or paused then). Opened: their opening falls in the period.
- Delegated tasks: those due in the period, cancelled ones left out. The outcome is known when
  the task is done, or still to do after its due day (`now` decides: late); on time, its result
  was recorded by the end of its due day (Europe/Paris).
- Alerts: raised in the period; the time to the answer on those answered.
- Case meetings: held in the period (the time it was marked held, else its planned start);
  cases discussed: a decision recorded in the period.
"""

from datetime import datetime

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from meetings.models import CaseMeeting, MeetingCase, MeetingStatus
from pathways.models import (
    Pathway,
    PathwayAlert,
    PathwayEvent,
    PathwayStatus,
    PathwayTask,
    TaskStatus,
)
from projet_sante.indicators.expressions import (
    HoursBetween,
    PercentileCont,
    one_row,
    percentile,
    rate,
    side_by_side,
    tenth,
)
from projet_sante.indicators.periods import (
    PARIS,
    Filters,
    Period,
    pathway_filter,
    referral_filter,
)


def _parts(period: Period, filters: Filters, now: datetime) -> list[QuerySet]:
    closed_before_end = Exists(
        PathwayEvent.objects.filter(
            pathway=OuterRef("pk"), to_status=PathwayStatus.CLOSED, at__lt=period.end
        )
    )
    pathways = Pathway.objects.filter(pathway_filter(filters), created_at__lt=period.end)

    tasks = (
        PathwayTask.objects.filter(
            pathway_filter(filters, "pathway__"), due_on__gte=period.first, due_on__lte=period.last
        )
        .exclude(status=TaskStatus.CANCELLED)
        .alias(done_day=TruncDate("done_at", tzinfo=PARIS))
    )
    known = Q(status=TaskStatus.DONE) | Q(due_on__lt=timezone.localdate(now, PARIS))
    on_time = Q(status=TaskStatus.DONE, done_day__lte=F("due_on"))

    answered = Q(answered_at__isnull=False)
    alert_figures = {"alerts": Count("pk"), "alerts_answered": Count("pk", filter=answered)}
    if connection.vendor == "postgresql":
        alert_figures["answer_median"] = PercentileCont(
            HoursBetween(F("answered_at"), F("raised_at")), 0.5, filter=answered
        )

    meetings = (
        CaseMeeting.objects.filter(status=MeetingStatus.HELD)
        .alias(held_on=Coalesce("held_at", "starts_at"))
        .filter(held_on__gte=period.start, held_on__lt=period.end)
    )
    cases = MeetingCase.objects.filter(decided_at__gte=period.start, decided_at__lt=period.end)
    if filters.specialty:
        meetings = meetings.filter(specialty__code=filters.specialty)
    if not filters.is_empty:
        # A case is a referral's, a pathway's, or both: it counts when either matches.
        cases = cases.filter(
            (Q(referral__isnull=False) & referral_filter(filters, "referral__"))
            | (Q(pathway__isnull=False) & pathway_filter(filters, "pathway__"))
        )
    return [
        one_row(
            pathways,
            open_at_end=Count("pk", filter=~Q(closed_before_end)),
            opened=Count("pk", filter=Q(created_at__gte=period.start)),
        ),
        one_row(
            tasks,
            tasks_known=Count("pk", filter=known),
            tasks_on_time=Count("pk", filter=on_time),
        ),
        one_row(_alerts(period, filters), **alert_figures),
        one_row(meetings, meetings_held=Count("pk")),
        one_row(cases, cases_decided=Count("pk")),
    ]


def _alerts(period: Period, filters: Filters) -> QuerySet:
    return PathwayAlert.objects.filter(
        pathway_filter(filters, "pathway__"),
        raised_at__gte=period.start,
        raised_at__lt=period.end,
    )


def pathway_figures(period: Period, filters: Filters, now: datetime) -> dict:
    """{code: {"value", "n"}} for `registry.PATHWAYS_AND_MEETINGS`."""
    row = side_by_side(_parts(period, filters, now))
    if "answer_median" not in row:
        hours = (
            _alerts(period, filters)
            .filter(answered_at__isnull=False)
            .annotate(hours=HoursBetween(F("answered_at"), F("raised_at")))
            .values_list("hours", flat=True)
        )
        row["answer_median"] = percentile(list(hours), 0.5)
    on_time, alerts, cases = row["tasks_on_time"], row["alerts"], row["cases_decided"]
    return {
        "pathways_open": {"value": row["open_at_end"], "n": row["open_at_end"]},
        "pathways_opened": {"value": row["opened"], "n": row["opened"]},
        "pathway_tasks_on_time": {"value": on_time, "n": on_time},
        "pathway_tasks_on_time_pct": rate(on_time, row["tasks_known"]),
        "pathway_alerts": {"value": alerts, "n": alerts},
        "pathway_alert_answer_median_hours": {
            "value": tenth(row["answer_median"]),
            "n": row["alerts_answered"],
        },
        "rcp_meetings_held": {"value": row["meetings_held"], "n": row["meetings_held"]},
        "rcp_cases_discussed": {"value": cases, "n": cases},
    }
