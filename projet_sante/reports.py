"""PDF reports rendered in the background and cached per (kind, key).

`request_report(kind, key, by)` returns the cached report when it is still good, or marks it
pending and queues `tasks.render_report` (thin, idempotent, retried) after commit. With
CELERY_TASK_ALWAYS_EAGER (development, tests) the task runs at commit, so the report is ready
when the request's transaction ends.

Renderers: `RENDERERS[kind](key) -> bytes`: "quarterly" (key "2026-Q3") and "projet" (key
"<version pk>:<quarter>", the version with the indicators of the last closed quarter).

Cache policy (`FRESHNESS`): a ready report of a past quarter rendered after its snapshot was
taken is served as is (its figures are frozen); a report of the current quarter (or of a quarter
not yet frozen) older than ESS_REPORT_MAX_AGE_MINUTES (default 60) is rendered again on the next
request. A failed one is rendered again on the next request. A health-project report also goes
stale when its version changed after it was rendered (a draft being written).
"""

import io
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ess.outbox import enqueue_on_commit
from ess.pdf import render_pdf
from projet_sante.models import GeneratedReport, ReportStatus

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------------
def quarterly_report_context(key: str) -> dict:
    """What the quarterly report shows. Always the aggregate (masked) view: the report is
    written for ARS/CPAM and the same file is served to everyone allowed to download it."""
    from ess.models import Team
    from partners.models import Convention, ConventionStatus
    from projet_sante.indicator_display import indicators_context
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
            "advanced_sites": advanced_sites(period),
            "team": Team.current(),
            "generated_at": timezone.localtime(),
            "conventions": conventions_in_force,
            "signed_during": [
                c
                for c in conventions_in_force
                if c.signed_on and period.first <= c.signed_on <= period.last
            ],
        }
    )
    return context


def advanced_sites(period) -> list[dict]:
    """Per-site advanced consultations of the period, patients masked below the threshold
    like every patient-derived figure of the report."""
    from projet_sante.indicator_display import format_number, mask_label, small_count_threshold
    from projet_sante.indicators import Unit
    from referrals.booking import advanced_consultation_sites

    rows = []
    for site in advanced_consultation_sites(period.first, period.last):
        patients = site["patients_seen"]
        hidden = 0 < patients < small_count_threshold()
        rows.append(
            {
                "name": site["site__name"],
                "commune": site["site__commune__name"],
                "underserved": site["site__underserved"],
                "sessions": format_number(site["sessions_held"], Unit.COUNT),
                "patients": mask_label() if hidden else format_number(patients, Unit.COUNT),
            }
        )
    return rows


def render_quarterly_report(key: str) -> bytes:
    with translation.override("fr"):  # the context holds lazy labels
        return render_pdf("pdf/quarterly_report.html", quarterly_report_context(key))


def project_report_key(version, quarter=None) -> str:
    """ "<version pk>:<quarter key>": one file per version and per closed quarter shown."""
    from projet_sante.periods import previous_quarter

    return f"{version.pk}:{(quarter or previous_quarter()).key}"


def project_report_version_pk(key: str) -> int:
    """The version a "projet" report key names (the one place that reads the key)."""
    return int(key.partition(":")[0])


def _project_key_parts(key: str):
    from projet_sante.models import ProjectVersion
    from projet_sante.periods import parse_period

    version = ProjectVersion.objects.get(pk=project_report_version_pk(key))
    return version, parse_period(key.partition(":")[2])


def report_get_for_user(user, public_id) -> GeneratedReport:
    """A report the user may read, else 404 ("does not exist" and "not yours" alike): a
    health-project report follows its version's visibility (an authority user never gets a
    draft that was not submitted to them). Role checks (403) are the caller's."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from projet_sante.project_selectors import versions_visible_to

    report = get_object_or_404(GeneratedReport, public_id=public_id)
    if report.kind == "projet":
        version_pk = project_report_version_pk(report.key)
        if not versions_visible_to(user).filter(pk=version_pk).exists():
            raise Http404
    return report


def render_project_report(key: str) -> bytes:
    from projet_sante.project_pdf import render_project_pdf

    version, period = _project_key_parts(key)
    return render_project_pdf(version, period)


def report_title(report: GeneratedReport) -> str:
    """What the report is, in the user's words (page title, audit label)."""
    from projet_sante.periods import parse_period

    if report.kind == "projet":
        version, period = _project_key_parts(report.key)
        return str(_("Projet de santé %(version)s · indicateurs %(period)s")) % {
            "version": version.label,
            "period": period.label,
        }
    return str(_("Rapport d'activité · %(period)s")) % {"period": parse_period(report.key).label}


def report_filename(report: GeneratedReport) -> str:
    if report.kind == "projet":
        version, period = _project_key_parts(report.key)
        return f"projet-de-sante-{version.label}-{period.key}.pdf"
    return f"rapport-activite-{report.key}.pdf"


RENDERERS: dict[str, Callable[[str], bytes]] = {
    "quarterly": render_quarterly_report,
    "projet": render_project_report,
}


# ---------------------------------------------------------------------------------------------
# Cache and background rendering
# ---------------------------------------------------------------------------------------------
def _period_is_fresh(period, finished_at) -> bool:
    """Figures of a past quarter rendered from its snapshot are final; anything else (current
    quarter, or a quarter whose snapshot is not taken yet) is good for
    ESS_REPORT_MAX_AGE_MINUTES."""
    from projet_sante.models import IndicatorSnapshot

    if period.is_past():
        snapshot = IndicatorSnapshot.objects.filter(period_key=period.key, filters_key="").first()
        if snapshot is not None:
            return finished_at >= snapshot.computed_at
    max_age = timedelta(minutes=settings.ESS_REPORT_MAX_AGE_MINUTES)
    return timezone.now() - finished_at < max_age


def _quarterly_is_fresh(report: GeneratedReport) -> bool:
    from projet_sante.periods import parse_period

    return _period_is_fresh(parse_period(report.key), report.finished_at)


def _project_is_fresh(report: GeneratedReport) -> bool:
    """Stale when the version changed since (a draft, or a version sent back for revision) or
    when its indicators were not final yet."""
    version, period = _project_key_parts(report.key)
    if version.updated_at > report.requested_at:  # requested before the change: render again
        return False
    return _period_is_fresh(period, report.finished_at)


# Whether a ready report may still be served, per kind; a kind not listed never goes stale.
FRESHNESS: dict[str, Callable[[GeneratedReport], bool]] = {
    "quarterly": _quarterly_is_fresh,
    "projet": _project_is_fresh,
}


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
