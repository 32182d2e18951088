"""The specialist's answer reaches the requester's MSSanté address: a secure SMTP server on
loopback that requires a client certificate from the test authority receives it once, with the
PDF report, and again after it was down."""

import email
import io
import smtplib
import socket
import ssl
from datetime import timedelta
from email import policy

import pytest
import time_machine
import trustme
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ess.models import AuditEvent
from interop.models import SecureMessage
from interop.mssante.services import secure_message_deliver
from interop.tasks import deliver_secure_message, sweep_pending_secure_messages
from referrals import services
from tests.conftest import signed_in
from tests.factories import ReferralFactory, UserFactory
from tests.referrals.conftest import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db

MSSANTE = "dr.martin@medecin.mssante.fr"
ANSWER = "Extrasystoles ventriculaires bénignes, pas d'examen complémentaire."


class Inbox:
    """What the server received: one parsed message per DATA."""

    def __init__(self):
        self.messages = []
        self.unknown = set()  # addresses answered "550 unknown user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return "550 5.1.1 Unknown user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, parsed))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def authority():
    return trustme.CA()


@pytest.fixture
def pki(authority, tmp_path):
    """The server's certificate, the platform's client certificate and the authority, as files."""
    client_cert = authority.issue_cert("ess-loiret.ess.mssante.fr")
    paths = {name: tmp_path / f"{name}.pem" for name in ("ca", "cert", "key")}
    authority.cert_pem.write_to_path(paths["ca"])
    client_cert.cert_chain_pems[0].write_to_path(paths["cert"])
    client_cert.private_key_pem.write_to_path(paths["key"])
    return paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ImplicitTlsController(Controller):
    """aiosmtpd's controller checks that its server answers by connecting to it; through TLS
    that demands a client certificate, it must present one too."""

    def __init__(self, *args, client_context, **kwargs):
        self.client_context = client_context
        super().__init__(*args, **kwargs)

    def _trigger_server(self):
        with (
            socket.create_connection((self.hostname, self.port), 1.0) as raw,
            self.client_context.wrap_socket(raw, server_hostname=self.hostname) as tls,
        ):
            tls.recv(1024)


class SecureServer:
    """An aiosmtpd server on 127.0.0.1 whose TLS (STARTTLS, or implicit TLS with `implicit`)
    demands a client certificate signed by the test authority; it can be stopped and started
    again on the same port."""

    def __init__(self, authority, *, implicit=False, client_context=None):
        self.inbox = Inbox()
        self.port = free_port()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert("127.0.0.1").configure_cert(context)
        authority.configure_trust(context)
        context.verify_mode = ssl.CERT_REQUIRED
        self.context = context
        self.implicit = implicit
        self.client_context = client_context
        self.controller = None

    def start(self):
        if self.implicit:
            self.controller = ImplicitTlsController(
                self.inbox,
                hostname="127.0.0.1",
                port=self.port,
                ssl_context=self.context,
                client_context=self.client_context,
            )
        else:
            self.controller = Controller(
                self.inbox,
                hostname="127.0.0.1",
                port=self.port,
                tls_context=self.context,
                require_starttls=True,
            )
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server(authority):
    server = SecureServer(authority)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mssante(settings, server, pki):
    settings.ESS_MSSANTE_HOST = "127.0.0.1"
    settings.ESS_MSSANTE_PORT = server.port
    settings.ESS_MSSANTE_TLS = "starttls"
    settings.ESS_MSSANTE_CLIENT_CERT = str(pki["cert"])
    settings.ESS_MSSANTE_CLIENT_KEY = str(pki["key"])
    settings.ESS_MSSANTE_CA_FILE = str(pki["ca"])
    settings.ESS_MSSANTE_TIMEOUT = 5
    settings.ESS_MSSANTE_FROM = "ess-loiret@ess.mssante.fr"
    return server


@pytest.fixture
def people(db):
    return {
        "requester": UserFactory(requester=True, mssante_email=MSSANTE),
        "coordinator": UserFactory(coordinator=True),
        "specialist": UserFactory(specialist=True),
    }


def answer(
    people, django_capture_on_commit_callbacks, *, requester=None, report_files=(), **fields
):
    """A télé-expertise answered through the services, as the coordinator and the specialist
    would; what the answer queues runs after commit (the tasks run in-process)."""
    referral = ReferralFactory(requester=requester or people["requester"], **fields)
    services.referral_triage(
        referral_id=referral.pk,
        by=people["coordinator"],
        priority="P3",
        response_mode="teleexpertise_async",
        specialist=people["specialist"],
    )
    services.referral_accept(referral_id=referral.pk, by=people["specialist"])
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_complete(
            referral_id=referral.pk,
            by=people["specialist"],
            answer=ANSWER,
            recommended_actions="Rassurer la patiente.",
            report_files=report_files,
        )
    return referral


def pdf_parts(message) -> list:
    return [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_answer_reaches_the_secure_server_once_with_its_pdf(
    mssante, people, django_capture_on_commit_callbacks
):
    referral = answer(people, django_capture_on_commit_callbacks)

    assert len(mssante.inbox.messages) == 1
    recipients, message = mssante.inbox.messages[0]
    assert recipients == [MSSANTE]
    assert message["From"] == "ess-loiret@ess.mssante.fr"
    assert referral.reference in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert ANSWER in body
    assert "Rassurer la patiente." in body
    (pdf,) = pdf_parts(message)
    data = pdf.get_content()
    assert data.startswith(b"%PDF")
    assert pdf.get_filename() == f"compte-rendu-{referral.reference}.pdf"
    text = pdf_text(data)
    assert "Compte rendu d'avis spécialisé" in text
    assert referral.reference in text
    assert "Extrasystoles ventriculaires bénignes" in text
    row = SecureMessage.objects.get(referral=referral)
    assert row.sent_at is not None
    assert (row.attempts, row.last_error) == (1, "")
    assert message["Message-ID"] == row.message_id
    (audit,) = AuditEvent.objects.filter(object_id=str(referral.public_id), action="export")
    assert (audit.via, audit.path) == ("mssante", f"mssante:{MSSANTE}")

    # The task delivered a second time (a redelivery by the broker, the sweep) sends nothing.
    assert deliver_secure_message.delay(row.pk).get() is False
    assert secure_message_deliver(message_id=row.pk) is False
    assert len(mssante.inbox.messages) == 1
    assert (
        AuditEvent.objects.filter(object_id=str(referral.public_id), action="export").count() == 1
    )


def test_an_answer_sent_while_the_server_is_down_goes_out_once_it_is_back(
    mssante, people, django_capture_on_commit_callbacks
):
    mssante.stop()

    referral = answer(people, django_capture_on_commit_callbacks)

    row = SecureMessage.objects.get(referral=referral)
    assert row.sent_at is None
    assert row.attempts >= 1
    assert row.last_error  # connection refused, kept on the row
    with pytest.raises(OSError):
        secure_message_deliver(message_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at is None
    kept_pdf = bytes(row.report_pdf)
    assert kept_pdf.startswith(b"%PDF")

    mssante.start()
    with time_machine.travel(row.created_at + timedelta(minutes=10)):
        assert sweep_pending_secure_messages() == 1
        assert sweep_pending_secure_messages() == 0

    assert len(mssante.inbox.messages) == 1
    _recipients, message = mssante.inbox.messages[0]
    (pdf,) = pdf_parts(message)
    assert pdf.get_content() == kept_pdf  # the same report as the first attempt made
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.last_error == ""


def test_the_server_refuses_a_client_without_the_certificate(mssante, pki):
    """What the tests above rely on: without the platform's certificate, no message goes in."""
    context = ssl.create_default_context(cafile=str(pki["ca"]))
    refused = (ssl.SSLError, smtplib.SMTPException, ConnectionError)
    with pytest.raises(refused), smtplib.SMTP("127.0.0.1", mssante.port, timeout=5) as smtp:
        smtp.starttls(context=context)
        smtp.sendmail("x@ess.mssante.fr", [MSSANTE], b"Subject: test\r\n\r\ntest\r\n")
    assert mssante.inbox.messages == []


def test_a_server_with_a_certificate_from_another_authority_is_not_trusted(
    mssante, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(other)
    settings.ESS_MSSANTE_CA_FILE = str(other)

    referral = answer(people, django_capture_on_commit_callbacks)

    row = SecureMessage.objects.get(referral=referral)
    assert row.sent_at is None
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error
    assert mssante.inbox.messages == []


def test_a_requester_without_an_mssante_address_gets_the_usual_email_only(
    mssante, people, django_capture_on_commit_callbacks
):
    plain = UserFactory(requester=True)

    referral = answer(people, django_capture_on_commit_callbacks, requester=plain)

    assert not SecureMessage.objects.filter(referral=referral).exists()
    assert mssante.inbox.messages == []
    assert [m.to for m in mail.outbox if m.to == [plain.email]] == [[plain.email]]


def test_nothing_is_recorded_while_secure_messaging_is_not_configured(
    settings, people, django_capture_on_commit_callbacks
):
    settings.ESS_MSSANTE_HOST = ""

    referral = answer(people, django_capture_on_commit_callbacks)

    assert not SecureMessage.objects.filter(referral=referral).exists()


def test_the_referral_page_says_when_the_answer_went_by_secure_messaging(
    mssante, people, django_capture_on_commit_callbacks
):
    referral = answer(people, django_capture_on_commit_callbacks)
    client = Client()
    signed_in(client, people["requester"])

    page = client.get(reverse("referrals:detail", args=[referral.public_id])).text

    assert "Réponse envoyée par messagerie sécurisée le" in page
    assert MSSANTE in page


def test_the_specialists_report_files_travel_with_the_answer(
    mssante, people, django_capture_on_commit_callbacks
):
    referral = answer(
        people, django_capture_on_commit_callbacks, report_files=[pdf_upload("holter.pdf")]
    )

    _recipients, message = mssante.inbox.messages[0]
    names = [part.get_filename() for part in pdf_parts(message)]
    assert names == [f"compte-rendu-{referral.reference}.pdf", "holter.pdf"]
    assert pdf_parts(message)[1].get_content() == PDF_BYTES
    assert "holter.pdf" in pdf_text(pdf_parts(message)[0].get_content())


def test_implicit_tls_with_the_client_certificate(
    settings, authority, pki, people, django_capture_on_commit_callbacks
):
    client_context = ssl.create_default_context(cafile=str(pki["ca"]))
    client_context.load_cert_chain(str(pki["cert"]), str(pki["key"]))
    server = SecureServer(authority, implicit=True, client_context=client_context)
    server.start()
    try:
        settings.ESS_MSSANTE_HOST = "127.0.0.1"
        settings.ESS_MSSANTE_PORT = server.port
        settings.ESS_MSSANTE_TLS = "ssl"
        settings.ESS_MSSANTE_CLIENT_CERT = str(pki["cert"])
        settings.ESS_MSSANTE_CLIENT_KEY = str(pki["key"])
        settings.ESS_MSSANTE_CA_FILE = str(pki["ca"])
        settings.ESS_MSSANTE_FROM = "ess-loiret@ess.mssante.fr"

        referral = answer(people, django_capture_on_commit_callbacks)
    finally:
        server.stop()

    assert [rcpt for rcpt, _message in server.inbox.messages] == [[MSSANTE]]
    assert SecureMessage.objects.get(referral=referral).sent_at is not None


def test_a_retried_answer_sends_nothing_more(mssante, people, django_capture_on_commit_callbacks):
    referral = answer(people, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_complete(referral_id=referral.pk, by=people["specialist"], answer=ANSWER)

    assert SecureMessage.objects.filter(referral=referral).count() == 1
    assert len(mssante.inbox.messages) == 1


def test_the_gp_the_request_was_sent_for_gets_the_answer_too(
    mssante, people, django_capture_on_commit_callbacks
):
    gp = UserFactory(requester=True, mssante_email="dr.gp@medecin.mssante.fr")

    answer(people, django_capture_on_commit_callbacks, referring_gp=gp)

    assert sorted(rcpt for (rcpt,), _message in mssante.inbox.messages) == [
        "dr.gp@medecin.mssante.fr",
        MSSANTE,
    ]


def test_an_address_the_server_does_not_know_is_given_up_not_retried(
    mssante, people, django_capture_on_commit_callbacks
):
    mssante.inbox.unknown.add(MSSANTE)

    referral = answer(people, django_capture_on_commit_callbacks)

    row = SecureMessage.objects.get(referral=referral)
    assert (row.sent_at, row.attempts) == (None, 1)
    assert row.failed_at is not None
    assert "Unknown user" in row.last_error
    with time_machine.travel(row.created_at + timedelta(minutes=10)):
        assert sweep_pending_secure_messages() == 0
    client = Client()
    signed_in(client, people["coordinator"])
    page = client.get(reverse("referrals:detail", args=[referral.public_id])).text
    assert "la messagerie sécurisée a refusé l'adresse" in page
