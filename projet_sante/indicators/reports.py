"""PDF reports rendered in the background and cached per (kind, key).

`request_report(kind, key, by)` returns the cached report when it is still good, or marks it
pending and queues `tasks.render_report` (thin, idempotent, retried) after commit. With
CELERY_TASK_ALWAYS_EAGER (development, tests) the task runs at commit, so the report is ready
when the request's transaction ends.

Kinds: `RENDERERS[kind](key) -> bytes` renders one, `KINDS[kind]` says what it is (title, file
name, the page it was asked from, when it goes stale, who may read it). "quarterly" (key
"2026-Q3") is declared here; the health project's "projet" (key "<version pk>:<quarter>") is
registered by `projet_sante.project.reports` when the app is ready: this part knows no version.

Cache policy (`ReportKind.is_fresh`): a ready report of a past quarter rendered after its
snapshot was taken is served as is (its figures are frozen); a report of the current quarter
(or of a quarter not yet frozen) older than ESS_REPORT_MAX_AGE_MINUTES (default 60) is rendered
again on the next request. A failed one is rendered again on the next request.
"""

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

from association.models import LegalIdentity
from ess.models import Team
from ess.outbox import enqueue_on_commit
from ess.pdf import html_to_pdf, render_html
from events.selectors.figures import campaign_rows, training_rows
from finance.selectors import financial_summary
from partners.models import Convention, ConventionStatus
from projet_sante.indicators.display import (
    format_number,
    indicators_context,
    mask_label,
    masked_count,
    small_count_threshold,
)
from projet_sante.indicators.models import GeneratedReport, IndicatorSnapshot, ReportStatus
from projet_sante.indicators.periods import parse_period
from projet_sante.indicators.registry import Unit
from referrals.booking import advanced_consultation_sites

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportKind:
    """What the machinery below needs to know of one kind of report, each from its key."""

    # What the report is, in the user's words (page title, audit label).
    title: Callable[[str], str]
    filename: Callable[[str], str]
    # (url, label) of the page the report was asked from.
    back: Callable[[str], tuple[str, str]]
    # Whether a ready report may still be served.
    is_fresh: Callable[[GeneratedReport], bool]
    # Who may read it beyond can_download_reports (a version's visibility, say).
    visible_to: Callable[[object, str], bool] = lambda user, key: True
    # Why it may not be sent to the ARS/CPAM as it stands ("" when it may: a draft never
    # submitted to them may not).
    not_transmittable: Callable[[str], str] = lambda key: ""


def period_is_fresh(period, finished_at) -> bool:
    """Figures of a past quarter rendered from its snapshot are final; anything else (current
    quarter, or a quarter whose snapshot is not taken yet) is good for
    ESS_REPORT_MAX_AGE_MINUTES."""
    if period.is_past():
        snapshot = IndicatorSnapshot.objects.filter(period_key=period.key, filters_key="").first()
        if snapshot is not None:
            return finished_at >= snapshot.computed_at
    max_age = timedelta(minutes=settings.ESS_REPORT_MAX_AGE_MINUTES)
    return timezone.now() - finished_at < max_age


# ---------------------------------------------------------------------------------------------
# The cover's legal identity
# ---------------------------------------------------------------------------------------------
def cover_identity() -> dict | None:
    """The association behind the ESS as the covers of the reports sent to the ARS/CPAM show
    it: RNA, SIRET (grouped 3-3-3-5), seat address (one line) and signatory, each when recorded;
    None when nothing is (the cover then says the legal identity is not filled in)."""
    identity = LegalIdentity.current()
    if identity is None:
        return None
    siret = identity.siret
    if len(siret) == 14:
        siret = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    seat = ", ".join(line.strip() for line in identity.seat_address.splitlines() if line.strip())
    signatory = ", ".join(
        part for part in (identity.signatory_name, identity.signatory_function) if part
    )
    cover = {"rna": identity.rna, "siret": siret, "seat": seat, "signatory": signatory}
    return cover if any(cover.values()) else None


# ---------------------------------------------------------------------------------------------
# The quarterly activity report
# ---------------------------------------------------------------------------------------------
def quarterly_report_context(key: str) -> dict:
    """What the quarterly report shows. Always the aggregate (masked) view: the report is
    written for ARS/CPAM and the same file is served to everyone allowed to download it."""
    period = parse_period(key)
    context = indicators_context(period, mask=True, freeze=True)
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
            "trainings_of_period": training_rows(period.start, period.end),
            "campaigns_of_period": campaigns_of_period(period),
            # The financial annex: the year's budget against what was spent, and its grants.
            "financial": financial_summary(period.first.year),
            "team": Team.current(),
            "legal": cover_identity(),
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


def campaigns_of_period(period) -> list[dict]:
    """The campaigns active during the period, with what their actions of the period achieved:
    screenings and referrals describe patients and are masked below the threshold."""
    return [
        {
            "title": campaign.title,
            "kind": campaign.get_kind_display(),
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "actions": campaign.actions_count,
            "people_reached": masked_count(campaign.people_reached, patient_data=False),
            "screenings": masked_count(campaign.screenings_done),
            "referrals": masked_count(campaign.referrals_generated),
        }
        for campaign in campaign_rows(period.first, period.last)
    ]


def quarterly_report_html(key: str) -> str:
    """The report's HTML (WeasyPrint turns it into the PDF)."""
    with translation.override("fr"):  # the context holds lazy labels
        return render_html("pdf/quarterly_report.html", quarterly_report_context(key))


def render_quarterly_report(key: str) -> bytes:
    return html_to_pdf(quarterly_report_html(key))


QUARTERLY = ReportKind(
    title=lambda key: (
        str(_("Rapport d'activité · %(period)s")) % {"period": parse_period(key).label}
    ),
    filename=lambda key: f"rapport-activite-{key}.pdf",
    back=lambda key: (reverse("projet_sante:indicators"), str(_("Retour aux indicateurs"))),
    is_fresh=lambda report: period_is_fresh(parse_period(report.key), report.finished_at),
)

RENDERERS: dict[str, Callable[[str], bytes]] = {"quarterly": render_quarterly_report}
KINDS: dict[str, ReportKind] = {"quarterly": QUARTERLY}


def register_report_kind(name: str, kind: ReportKind, render: Callable[[str], bytes]) -> None:
    """The hook through which a part above this one adds its kind of report."""
    KINDS[name] = kind
    RENDERERS[name] = render


# ---------------------------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------------------------
def report_get_for_user(user, public_id) -> GeneratedReport:
    """A report the user may read, else 404 ("does not exist" and "not yours" alike): a
    health-project report follows its version's visibility (an authority user never gets a
    draft that was not submitted to them). Role checks (403) are the caller's."""
    report = get_object_or_404(GeneratedReport, public_id=public_id)
    if not KINDS[report.kind].visible_to(user, report.key):
        raise Http404
    return report


def report_title(report: GeneratedReport) -> str:
    return KINDS[report.kind].title(report.key)


def report_filename(report: GeneratedReport) -> str:
    return KINDS[report.kind].filename(report.key)


def report_back(report: GeneratedReport) -> tuple[str, str]:
    return KINDS[report.kind].back(report.key)


def report_pdf_now(kind: str, key: str) -> bytes:
    """The report's PDF as a download would give it now: the cached file while it is still
    good, else rendered at once (read-only, apart from a past quarter's snapshot taken on its
    first read). For sending it: the caller keeps the bytes."""
    report = GeneratedReport.objects.filter(kind=kind, key=key).first()
    if report is not None and report.file and _is_fresh(report):
        with report.file.open("rb") as fh:
            return fh.read()
    return RENDERERS[kind](key)


# ---------------------------------------------------------------------------------------------
# Cache and background rendering
# ---------------------------------------------------------------------------------------------
def _is_fresh(report: GeneratedReport) -> bool:
    if report.status != ReportStatus.READY or report.finished_at is None:
        return False
    return KINDS[report.kind].is_fresh(report)


def _queue_render(report: GeneratedReport) -> None:
    enqueue_on_commit("projet_sante.tasks.render_report", report.pk)


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
            _queue_render(report)
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
        _queue_render(report)
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
