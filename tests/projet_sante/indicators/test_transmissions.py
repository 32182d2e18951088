"""Reports sent to the ARS/CPAM: the manager's action, the archive, the exact PDF kept and
downloaded by the institution it was addressed to, double submissions, the emails."""

import hashlib
import io
import itertools
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from association.services import legal_identity_update
from ess.models import AuditEvent, OutboundEmail
from projet_sante.indicators.models import GeneratedReport, ReportStatus, Transmission
from projet_sante.indicators.periods import previous_quarter
from projet_sante.indicators.reports import RENDERERS, render_quarterly_report
from projet_sante.indicators.transmissions import report_transmit
from tests.conftest import signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEND = reverse("projet_sante:report_quarterly_transmit")
ARCHIVE = reverse("projet_sante:transmissions")


def as_user(user) -> Client:
    return signed_in(Client(), user)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def download_url(transmission) -> str:
    return reverse("projet_sante:transmission_download", args=[transmission.public_id])


@pytest.fixture
def ars(db):
    return UserFactory(authority=True, email="ars@example.org")


@pytest.fixture
def ars_colleague(db):
    return UserFactory(authority=True, email="ars2@example.org")


@pytest.fixture
def cpam(db):
    return UserFactory(authority=True, institution="cpam", email="cpam@example.org")


@pytest.fixture
def quarter_key():
    return previous_quarter().key


def send(manager, quarter_key, institutions, message="", capture=None):
    client = as_user(manager)
    data = {"periode": quarter_key, "institutions": institutions, "message": message}
    if capture is None:
        return client.post(SEND, data, follow=True)
    with capture(execute=True):
        return client.post(SEND, data, follow=True)


def test_manager_sends_the_quarterly_report_to_the_ars(
    manager, ars, ars_colleague, cpam, quarter_key, django_capture_on_commit_callbacks
):
    response = send(
        manager,
        quarter_key,
        ["ars"],
        message="Rapport du trimestre, comme convenu.",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.redirect_chain[-1][0] == ARCHIVE
    page = response.content.decode()
    assert "Document transmis (ARS)" in page
    transmission = Transmission.objects.get()
    assert (transmission.kind, transmission.key, transmission.sent_by) == (
        "quarterly",
        quarter_key,
        manager,
    )
    assert [r.institution for r in transmission.recipients.all()] == ["ars"]
    assert transmission.message == "Rapport du trimestre, comme convenu."
    stored = transmission.file.open("rb").read()
    assert stored.startswith(b"%PDF")
    assert transmission.sha256 == hashlib.sha256(stored).hexdigest()
    assert transmission.size == len(stored)
    assert "Rapport d'activité trimestriel" in pdf_text(stored)
    # The ARS's authority users are told, with the archive's link; the CPAM's are not.
    emails = OutboundEmail.objects.order_by("to")
    assert [e.to for e in emails] == ["ars2@example.org", "ars@example.org"]
    email = emails[0]
    assert "Document transmis" in email.subject
    assert ARCHIVE in email.body_text
    assert "Rapport du trimestre, comme convenu." in email.body_text
    assert "(ARS)" in email.body_text


def test_sent_from_the_english_pages_the_document_and_its_email_stay_french(
    manager, ars, quarter_key, django_capture_on_commit_callbacks
):
    client = as_user(manager)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(SEND, {"periode": quarter_key, "institutions": ["ars"]}, follow=True)

    transmission = Transmission.objects.get()
    assert transmission.title.startswith("Rapport d'activité")
    (email,) = OutboundEmail.objects.all()
    assert "Document transmis" in email.subject


def test_the_ars_downloads_the_very_bytes_sent_even_after_the_data_changed(
    manager, ars, cpam, quarter_key
):
    send(manager, quarter_key, ["ars"])
    transmission = Transmission.objects.get()
    sent = transmission.file.open("rb").read()
    # Afterwards the association's identity is recorded: the report rendered now differs.
    legal_identity_update(by=manager, rna="W451234567")
    assert "RNA W451234567" in pdf_text(render_quarterly_report(quarter_key))

    client = as_user(ars)
    archive = client.get(ARCHIVE)
    assert archive.status_code == 200
    assert escape(transmission.title) in archive.content.decode()
    download = client.get(download_url(transmission))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    data = body(download)
    assert data == sent
    assert hashlib.sha256(data).hexdigest() == transmission.sha256
    assert "RNA W451234567" not in pdf_text(data)
    event = AuditEvent.objects.get(action="download", actor=ars)
    assert event.object_label == f"transmission:quarterly:{quarter_key}"


def test_the_other_institution_neither_sees_nor_downloads_it(manager, ars, cpam, quarter_key):
    send(manager, quarter_key, ["ars"])
    transmission = Transmission.objects.get()
    client = as_user(cpam)
    archive = client.get(ARCHIVE)
    assert archive.status_code == 200
    assert escape(transmission.title) not in archive.content.decode()
    assert "Aucun document transmis" in archive.content.decode()
    assert client.get(download_url(transmission)).status_code == 404
    # An authority account attached to no institution sees nothing either.
    unattached = as_user(UserFactory(authority=True, institution=""))
    assert unattached.get(download_url(transmission)).status_code == 404


def test_sent_to_both_each_institution_sees_it(manager, ars, cpam, quarter_key):
    response = send(manager, quarter_key, ["ars", "cpam"])
    assert "Document transmis (ARS, CPAM)" in response.content.decode()
    transmission = Transmission.objects.get()
    for user in (ars, cpam, manager):
        assert as_user(user).get(download_url(transmission)).status_code == 200
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == [
        "ars@example.org",
        "cpam@example.org",
    ]


def test_a_double_submission_is_refused_with_a_message(manager, ars, cpam, quarter_key):
    send(manager, quarter_key, ["ars"])
    again = send(manager, quarter_key, ["ars"])
    assert "Ce document a déjà été transmis (ARS)" in again.content.decode()
    # Asking for both does not send the CPAM's half either: nothing is written.
    both = send(manager, quarter_key, ["cpam", "ars"])
    assert "déjà été transmis (ARS)" in both.content.decode()
    assert Transmission.objects.count() == 1
    assert OutboundEmail.objects.count() == 1
    # Another institution, or another quarter, is another document.
    send(manager, quarter_key, ["cpam"])
    assert Transmission.objects.count() == 2


def test_the_same_content_is_refused_after_the_window_and_new_content_accepted(
    manager, ars, quarter_key, time_machine, settings
):
    send(manager, quarter_key, ["ars"])
    first = Transmission.objects.get()
    time_machine.move_to(
        timezone.now() + timedelta(minutes=settings.ESS_TRANSMISSION_REPEAT_MINUTES + 1)
    )
    # The report served from its cache, the very file sent before: the same document.
    cached = GeneratedReport(
        kind="quarterly",
        key=quarter_key,
        status=ReportStatus.READY,
        requested_by=manager,
        finished_at=timezone.now(),
    )
    cached.file.save("q.pdf", ContentFile(first.file.open("rb").read()), save=False)
    cached.save()
    refused = send(manager, quarter_key, ["ars"])
    assert "Ce document a déjà été transmis (ARS)" in refused.content.decode()
    assert Transmission.objects.count() == 1
    # New figures (here, the legal identity on the cover, rendered anew): sent again.
    cached.delete()
    legal_identity_update(by=manager, rna="W451234567")
    response = send(manager, quarter_key, ["ars"])
    assert "Document transmis (ARS)" in response.content.decode()
    assert Transmission.objects.count() == 2
    assert "RNA W451234567" in pdf_text(Transmission.objects.first().file.open("rb").read())


def test_no_institution_chosen_is_refused(manager, ars, quarter_key):
    response = send(manager, quarter_key, [])
    assert "Choisissez à qui transmettre le document" in response.content.decode()
    assert not Transmission.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_quarter_not_started_is_refused(manager, ars):
    response = as_user(manager).post(SEND, {"periode": "2099-Q1", "institutions": ["ars"]})
    assert response.status_code == 400
    assert not Transmission.objects.exists()


@pytest.mark.parametrize(
    "persona", ["requester", "coordinator", "specialist", "paramedic", "authority"]
)
def test_only_managers_send(persona, request, quarter_key):
    client = as_user(request.getfixturevalue(persona))
    response = client.post(SEND, {"periode": quarter_key, "institutions": ["ars"]})
    assert response.status_code == 403
    assert not Transmission.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, quarter_key):
    response = client.post(SEND, {"periode": quarter_key, "institutions": ["ars"]})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(ARCHIVE).status_code == 302


@pytest.mark.parametrize("persona", ["requester", "coordinator", "specialist", "paramedic"])
def test_the_archive_is_refused_to_the_ess_staff_and_requesters(persona, request):
    assert as_user(request.getfixturevalue(persona)).get(ARCHIVE).status_code == 403


def test_the_archive_runs_a_constant_number_of_queries(
    manager, ars, quarter_key, django_assert_max_num_queries
):
    send(manager, quarter_key, ["ars"])
    first = Transmission.objects.get()
    for n in range(5):
        copy = Transmission.objects.create(
            kind="quarterly",
            key=f"2025-Q{n % 4 + 1}",
            title=f"Rapport {n}",
            sent_by=UserFactory(manager=True),
            file=first.file.name,
            original_name="r.pdf",
            content_type="application/pdf",
            size=first.size,
            sha256=first.sha256,
        )
        copy.recipients.create(institution="ars")
    client = as_user(ars)
    with django_assert_max_num_queries(12):
        response = client.get(ARCHIVE)
    assert response.content.decode().count(">PDF</a>") == 6


@pytest.mark.django_db(transaction=True)
def test_two_managers_sending_at_once_send_it_once(postgres, territory, monkeypatch):
    # Each rendering differs (as two renderings a second apart would): only the lock and the
    # window keep the second one out.
    counter = itertools.count()
    monkeypatch.setitem(
        RENDERERS, "quarterly", lambda key: b"%PDF-1.4\n% " + str(next(counter)).encode()
    )
    managers = [UserFactory(manager=True) for _i in range(3)]
    barrier = threading.Barrier(3)
    refused, errors = [], []

    def send_now(user):
        try:
            barrier.wait()
            report_transmit(kind="quarterly", key="2026-Q1", institutions=["ars"], by=user)
        except ValidationError as exc:
            refused.append(exc)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send_now, args=(m,)) for m in managers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(refused) == 2
    assert Transmission.objects.count() == 1
