"""Background PDF reports: cache, pending → ready, download audited, the quarterly report."""

import io
import os
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ess.models import AuditEvent
from projet_sante.indicators.models import GeneratedReport, ReportStatus
from projet_sante.indicators.periods import current_quarter, quarter_period
from projet_sante.indicators.reports import RENDERERS, render_quarterly_report, request_report
from projet_sante.indicators.services import indicator_snapshot_take, indicator_target_set
from tests.projet_sante.indicators.data import build_network, build_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(db):
    build_network()
    return build_quarter()


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_quarterly_report_contains_its_sections_and_figures(quarter, manager):
    indicator_snapshot_take(period=quarter_period(2026, 1))
    indicator_target_set(code="active_members", value=Decimal(2), comparison="gte", by=manager)
    pdf = render_quarterly_report("2026-Q1")
    if path := os.environ.get("ESS_SAMPLE_PDF"):
        with open(path, "wb") as fh:
            fh.write(pdf)
    text, pages = pdf_text(pdf)
    assert 5 <= pages <= 15
    for heading in (
        "Rapport d'activité trimestriel",
        "1er trimestre 2026",
        "Sommaire",
        "Chiffres clés",
        "Objectifs du projet de santé",
        "Activité et délais",
        "Consultations avancées",
        "Membres de l'équipe",
        "Partenaires et conventions",
        "Définitions des indicateurs",
    ):
        assert heading in text, heading
    assert f"Page 2 sur {pages}" in text
    # Written for ARS/CPAM: the small cohort is masked, members and partners are exact.
    assert "< 10" in text
    assert "66,7 %" not in text
    assert "Membres actifs au 31 mars 2026 : 3." in text
    assert "Atteint" in text
    assert "Séances de consultation avancée tenues" in text
    for referral in quarter.values():
        assert referral.reference not in text
        assert referral.patient.display_name not in text


def test_request_renders_at_once_with_eager_celery(
    quarter, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report("quarterly", "2026-Q1", by=manager)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.pages >= 5 and report.size > 1000
    assert report.file.name.startswith("reports/quarterly/")


def test_a_ready_past_quarter_report_is_served_from_cache(quarter, manager, authority):
    indicator_snapshot_take(period=quarter_period(2026, 1))
    report = GeneratedReport.objects.create(
        kind="quarterly",
        key="2026-Q1",
        status=ReportStatus.READY,
        finished_at=timezone.now(),
        requested_by=manager,
    )
    again = request_report("quarterly", "2026-Q1", by=authority)
    assert again.pk == report.pk and again.status == ReportStatus.READY
    assert GeneratedReport.objects.count() == 1


def test_a_past_quarter_report_rendered_before_its_snapshot_is_rendered_again(quarter, manager):
    report = GeneratedReport.objects.create(
        kind="quarterly",
        key="2026-Q1",
        status=ReportStatus.READY,
        finished_at=timezone.now() - timedelta(minutes=5),
    )
    indicator_snapshot_take(period=quarter_period(2026, 1))
    again = request_report("quarterly", "2026-Q1", by=manager)
    assert again.pk == report.pk and again.status == ReportStatus.PENDING


def test_a_stale_current_quarter_report_is_rendered_again(db, manager, settings):
    key = current_quarter().key
    report = GeneratedReport.objects.create(
        kind="quarterly",
        key=key,
        status=ReportStatus.READY,
        finished_at=timezone.now() - timedelta(minutes=settings.ESS_REPORT_MAX_AGE_MINUTES + 1),
    )
    again = request_report("quarterly", key, by=manager)
    assert again.pk == report.pk and again.status == ReportStatus.PENDING
    fresh = GeneratedReport.objects.create(
        kind="quarterly", key="x", status=ReportStatus.READY, finished_at=timezone.now()
    )
    assert fresh.status == ReportStatus.READY


def test_failed_render_is_recorded_and_retried_on_next_request(
    db, manager, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(key):
        raise RuntimeError("police introuvable")

    monkeypatch.setitem(RENDERERS, "quarterly", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report("quarterly", "2026-Q1", by=manager)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "police" in report.error
    monkeypatch.setitem(RENDERERS, "quarterly", lambda key: _tiny_pdf())
    with django_capture_on_commit_callbacks(execute=True):
        request_report("quarterly", "2026-Q1", by=manager)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.error == ""


def _tiny_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>x</p>").write_pdf()


def test_render_task_is_idempotent(db, manager, monkeypatch, django_capture_on_commit_callbacks):
    from projet_sante.indicators.tasks import render_report

    calls = []
    monkeypatch.setitem(RENDERERS, "quarterly", lambda key: calls.append(key) or _tiny_pdf())
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report("quarterly", "2026-Q1", by=manager)
    render_report.delay(report.pk)
    render_report.delay(report.pk)
    assert calls == ["2026-Q1"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_create_one_report(postgres, territory, monkeypatch):
    from tests.factories import UserFactory

    monkeypatch.setitem(RENDERERS, "quarterly", lambda key: _tiny_pdf())
    users = [UserFactory(manager=True) for _i in range(4)]
    barrier = threading.Barrier(4)
    errors = []

    def ask(user):
        try:
            barrier.wait()
            request_report("quarterly", "2026-Q1", by=user)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert GeneratedReport.objects.filter(kind="quarterly", key="2026-Q1").count() == 1


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------
def test_authority_requests_and_downloads_the_report_audited(
    quarter, authority, client_for, django_capture_on_commit_callbacks
):
    client = client_for(authority)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projet_sante:report_quarterly"), {"periode": "2026-Q1"})
    assert response.status_code == 302
    report = GeneratedReport.objects.get()
    assert response["Location"] == reverse("projet_sante:report_detail", args=[report.public_id])
    page = client.get(response["Location"])
    assert "Télécharger le PDF" in page.content.decode()
    download = client.get(reverse("projet_sante:report_download", args=[report.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="download")
    assert (event.actor, event.object_label) == (authority, "quarterly:2026-Q1")


def test_pending_report_page_polls(db, manager, client_for):
    report = GeneratedReport.objects.create(kind="quarterly", key="2026-Q1")
    client = client_for(manager)
    html = client.get(reverse("projet_sante:report_detail", args=[report.public_id])).content
    assert "en cours de génération" in html.decode()
    assert b'hx-trigger="every 2s"' in html
    partial = client.get(
        reverse("projet_sante:report_detail", args=[report.public_id]), HTTP_HX_REQUEST="true"
    )
    assert partial.content.decode().startswith('<div id="report-status"')
    assert (
        client.get(reverse("projet_sante:report_download", args=[report.public_id])).status_code
        == 404
    )


@pytest.mark.parametrize("persona", ["requester", "specialist", "coordinator"])
def test_reports_are_refused_to_other_roles(persona, client_for, request, db):
    report = GeneratedReport.objects.create(
        kind="quarterly", key="2026-Q1", status=ReportStatus.READY
    )
    client = client_for(request.getfixturevalue(persona))
    assert (
        client.post(reverse("projet_sante:report_quarterly"), {"periode": "2026-Q1"}).status_code
        == 403
    )
    assert (
        client.get(reverse("projet_sante:report_detail", args=[report.public_id])).status_code
        == 403
    )
    assert (
        client.get(reverse("projet_sante:report_download", args=[report.public_id])).status_code
        == 403
    )
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("periode", "message"),
    [("2026", "un trimestre"), ("x", "non reconnue"), ("2099-Q1", "pas commencé")],
)
def test_report_request_bad_period(manager, client_for, periode, message):
    response = client_for(manager).post(
        reverse("projet_sante:report_quarterly"), {"periode": periode}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GeneratedReport.objects.exists()


def test_a_ready_report_is_downloaded_at_once(quarter, authority, client_for):
    indicator_snapshot_take(period=quarter_period(2026, 1))
    report = GeneratedReport.objects.create(
        kind="quarterly",
        key="2026-Q1",
        status=ReportStatus.READY,
        finished_at=timezone.now(),
    )
    response = client_for(authority).post(
        reverse("projet_sante:report_quarterly"), {"periode": "2026-Q1"}
    )
    assert response["Location"] == reverse("projet_sante:report_download", args=[report.public_id])


def test_the_report_writes_the_first_of_the_month_the_french_way(quarter):
    text, _pages = pdf_text(render_quarterly_report("2026-Q1"))
    assert "Du 1er janvier 2026 au 31 mars 2026" in text


def test_a_failed_report_says_so_and_is_asked_again_from_its_page(
    db, manager, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(key):
        raise RuntimeError("police introuvable")

    monkeypatch.setitem(RENDERERS, "quarterly", broken)
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projet_sante:report_quarterly"), {"periode": "2026-Q1"})
    report = GeneratedReport.objects.get()
    page = client.get(reverse("projet_sante:report_detail", args=[report.public_id])).text
    assert "La génération a échoué" in page
    assert "Télécharger le PDF" not in page
    assert (
        client.get(reverse("projet_sante:report_download", args=[report.public_id])).status_code
        == 404
    )
    monkeypatch.setitem(RENDERERS, "quarterly", lambda key: _tiny_pdf())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projet_sante:report_quarterly"), {"periode": "2026-Q1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
