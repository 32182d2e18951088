"""PDF reports rendered in the background and cached per (kind, key).

`request_report(kind, key, by)` returns the cached report when it is still good, or marks it
pending and queues `tasks.render_report` (thin, idempotent, retried) after commit. With
CELERY_TASK_ALWAYS_EAGER (development, tests) the task runs at commit, so the report is ready
when the request's transaction ends.

Renderers: `RENDERERS[kind](key) -> bytes`. The lead adds `"projet": render_project_pdf`.

Cache policy (`FRESHNESS`): a ready report of a past quarter rendered after its snapshot was
taken is served as is (its figures are frozen); a report of the current quarter (or of a quarter
not yet frozen) older than ESS_REPORT_MAX_AGE_MINUTES (default 60) is rendered again on the next
request. A failed one is rendered again on the next request.
"""

import io
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ess.outbox import enqueue_on_commit
from projet_sante.models import GeneratedReport, ReportStatus

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------------
def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def quarterly_report_context(key: str) -> dict:
    """What the quarterly report shows. Always the aggregate (masked) view: the report is
    written for ARS/CPAM and the same file is served to everyone allowed to download it."""
    from ess.models import Team
    from partners.models import Convention, ConventionStatus
    from projet_sante.indicator_display import indicators_context
    from projet_sante.indicators import ADVANCED_CONSULTATIONS
    from projet_sante.periods import parse_period

    period = parse_period(key)
    context = indicators_context(period, mask=True)
    conventions_in_force = list(
        Convention.objects.filter(
            status__in=[ConventionStatus.ACTIVE, ConventionStatus.EXPIRED],
            effective_on__lte=period.last,
        )
        .exclude(end_on__lt=period.last)
        .select_related("kind")
        .prefetch_related("parties")
        .order_by("effective_on", "title")
    )
    context.update(
        {
            "team": Team.current(),
            "generated_at": timezone.localtime(),
            "conventions": conventions_in_force,
            "signed_during": [
                c
                for c in conventions_in_force
                if c.signed_on and period.first <= c.signed_on <= period.last
            ],
            # Advanced consultations: {sessions_held, patients_seen, communes_served} once the
            # consultations app provides them; "—" until then.
            "advanced": {code: None for code in ADVANCED_CONSULTATIONS}
            | advanced_consultation_figures(period),
            "advanced_available": bool(advanced_consultation_figures(period)),
        }
    )
    return context


def advanced_consultation_figures(period) -> dict:
    """{sessions_held, patients_seen, communes_served} of the period (all sites)."""
    from referrals.consultations import advanced_consultation_figures as figures

    return figures(period.first, period.last)


def render_quarterly_report(key: str) -> bytes:
    with translation.override("fr"):
        html = render_to_string("pdf/quarterly_report.html", quarterly_report_context(key))
        return html_to_pdf(html)


RENDERERS: dict[str, Callable[[str], bytes]] = {"quarterly": render_quarterly_report}


# ---------------------------------------------------------------------------------------------
# Cache and background rendering
# ---------------------------------------------------------------------------------------------
def _quarterly_is_fresh(report: GeneratedReport) -> bool:
    """A past quarter's report rendered from its snapshot is final; anything else (current
    quarter, or a quarter whose snapshot is not taken yet) is good for
    ESS_REPORT_MAX_AGE_MINUTES."""
    from projet_sante.models import IndicatorSnapshot
    from projet_sante.periods import parse_period

    period = parse_period(report.key)
    if period.is_past():
        snapshot = IndicatorSnapshot.objects.filter(period_key=period.key, filters_key="").first()
        if snapshot is not None:
            return report.finished_at >= snapshot.computed_at
    max_age = timedelta(minutes=settings.ESS_REPORT_MAX_AGE_MINUTES)
    return timezone.now() - report.finished_at < max_age


# Whether a ready report may still be served, per kind; a kind not listed never goes stale (a
# frozen health-project version). The lead may add "projet" for draft versions.
FRESHNESS: dict[str, Callable[[GeneratedReport], bool]] = {"quarterly": _quarterly_is_fresh}


def _is_fresh(report: GeneratedReport) -> bool:
    if report.status != ReportStatus.READY or report.finished_at is None:
        return False
    check = FRESHNESS.get(report.kind)
    return check(report) if check else True


def request_report(kind: str, key: str, *, by) -> GeneratedReport:
    """The cached report if still good, else the (one) pending row, queued for rendering.

    Two requests at once create one row (unique kind+key) and queue at most one render each;
    the task is idempotent, so a duplicate finds the report ready and does nothing."""
    if kind not in RENDERERS:
        raise ValueError(f"unknown report kind {kind!r}")
    with transaction.atomic():
        try:
            with transaction.atomic():
                report, created = GeneratedReport.objects.get_or_create(
                    kind=kind, key=key, defaults={"requested_by": by}
                )
        except IntegrityError:
            report, created = GeneratedReport.objects.get(kind=kind, key=key), False
        if created:
            from projet_sante.tasks import render_report

            enqueue_on_commit(render_report, report.pk)
            return report
        report = GeneratedReport.objects.select_for_update().get(pk=report.pk)
        if report.status == ReportStatus.PENDING or _is_fresh(report):
            return report
        # Stale or failed: render again.
        report.status = ReportStatus.PENDING
        report.requested_by = by
        report.requested_at = timezone.now()
        report.error = ""
        report.save(update_fields=["status", "requested_by", "requested_at", "error"])
        from projet_sante.tasks import render_report

        enqueue_on_commit(render_report, report.pk)
        return report


def report_render(*, report_id: int) -> str:
    """Render a pending report and store it in private storage. A report already ready is left
    alone (a duplicate or retried task); an error marks it failed with the message."""
    report = GeneratedReport.objects.filter(pk=report_id).first()
    if report is None or report.status != ReportStatus.PENDING:
        return report.status if report else "missing"
    try:
        pdf = RENDERERS[report.kind](report.key)
    except Exception as exc:  # any renderer error: recorded on the row, shown to the user
        logger.exception("Report %s:%s failed", report.kind, report.key)
        GeneratedReport.objects.filter(pk=report.pk, status=ReportStatus.PENDING).update(
            status=ReportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return ReportStatus.FAILED
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    with transaction.atomic():
        report = GeneratedReport.objects.select_for_update().get(pk=report_id)
        if report.status != ReportStatus.PENDING:
            return report.status
        old = report.file.name if report.file else ""
        report.file.save(f"{report.public_id}.pdf", ContentFile(pdf), save=False)
        report.status = ReportStatus.READY
        report.size = len(pdf)
        report.pages = pages
        report.finished_at = timezone.now()
        report.save(update_fields=["file", "status", "size", "pages", "finished_at"])
    if old and old != report.file.name:
        report.file.storage.delete(old)
    return ReportStatus.READY
