"""Thin Celery tasks for indicators and reports: take ids, call one service (names: see
projet_sante/tasks.py)."""

from celery import shared_task

from ess.tasks import RETRIED_ON_TRANSIENT_ERRORS
from projet_sante.indicators import reports, services
from projet_sante.indicators.periods import Filters, parse_period


@shared_task(name="projet_sante.tasks.snapshot_quarterly_indicators", acks_late=True)
def snapshot_quarterly_indicators() -> int:
    """Beat, first days of each quarter: freeze the quarter just ended (idempotent)."""
    return services.indicator_snapshot_previous_quarter().pk


@shared_task(name="projet_sante.tasks.snapshot_indicators", acks_late=True)
def snapshot_indicators(period_key: str, filters_key: str = "") -> int:
    """Freeze one ended quarter for one set of filters (idempotent)."""
    snapshot = services.indicator_snapshot_take(
        period=parse_period(period_key), filters=Filters.from_key(filters_key)
    )
    return snapshot.pk


@shared_task(
    name="projet_sante.tasks.render_report",
    **RETRIED_ON_TRANSIENT_ERRORS,
    retry_backoff_max=600,
    max_retries=5,
)
def render_report(self, report_id: int) -> str:
    """Render one pending report (a no-op when it is already ready)."""
    return reports.report_render(report_id=report_id)
