"""Every way a file comes into the platform, driven as a client would: a multipart request
built by hand, so that the file name reaches the server exactly as an attacker would send it
(Django's test client strips paths from names first).

Each entry point returns `send(name, data) -> Outcome` and `rows() -> int`, the number of rows
an upload would add (and status changes it would make).
"""

import html
import json
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse

from association.models import Statutes
from finance.models import Expense, ExpenseReceipt
from partners.models import ConventionDocument
from projet_sante.project.models import ProjectAnnex
from referrals import services
from referrals.models import Attachment, Message, Referral
from tests.factories import (
    ConventionFactory,
    DirectoryEntryFactory,
    ReferralFactory,
    UserFactory,
)

BOUNDARY = "ess-hostile-corpus-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(fields: dict, field: str, name: str, data: bytes) -> bytes:
    """One file part with its name sent verbatim (UTF-8, NUL and slashes included)."""
    body = b""
    for key, value in fields.items():
        body += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        ).encode()
    body += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data
    return body + f"\r\n--{BOUNDARY}--\r\n".encode()


class World:
    """Who uploads where: built on demand, one entry point per test."""

    def __init__(self, client_for, api_client, form_data, settings):
        self.client_for, self.api_client, self.form_data = client_for, api_client, form_data
        self.storage = settings.STORAGES["default"]["OPTIONS"]["location"]
        self.requester = UserFactory(requester=True)

    def referral(self, **changes):
        return ReferralFactory(requester=self.requester, **changes)

    def stored_files(self) -> list:
        if not self.storage.exists():
            return []
        return sorted(path for path in self.storage.rglob("*") if path.is_file())


@dataclass
class Outcome:
    status: int
    text: str


def _page(response) -> Outcome:
    return Outcome(response.status_code, html.unescape(response.content.decode()))


def _flashed(response) -> Outcome:
    """What the page the user is sent back to will show (without rendering it)."""
    from django.contrib.messages import get_messages

    shown = " ".join(str(message) for message in get_messages(response.wsgi_request))
    return Outcome(response.status_code, shown)


def _api(response) -> Outcome:
    return Outcome(response.status_code, json.dumps(response.json(), ensure_ascii=False))


# ---------------------------------------------------------------------------------------------
# Every way a file comes in. Each returns (send(name, data) -> Outcome, rows() -> int).
# ---------------------------------------------------------------------------------------------
def web_referral_form(world):
    def send(name, data):
        body = multipart(world.form_data, "files", name, data)
        response = world.client_for(world.requester).post(
            reverse("referrals:create"), body, content_type=MULTIPART
        )
        return _page(response)

    return send, lambda: Referral.objects.count() + Attachment.objects.count()


def _referral_page(url_name: str, client, fields: dict, rows):
    """An entry point posting a whole request form (the file in "files") with `client`."""

    def send(name, data):
        body = multipart(fields, "files", name, data)
        return _page(client.post(reverse(url_name), body, content_type=MULTIPART))

    return send, rows


def web_referral_without_account(world):
    """The public form, without an account (the request awaits its confirmation)."""
    fields = {
        **world.form_data,
        "rpps": DirectoryEntryFactory().identifier,
        "email": "sans.compte@exemple.fr",
        "sender_consent": "on",
    }
    return _referral_page(
        "referrals:create_without_account",
        Client(),
        fields,
        lambda: Referral.all_objects.count() + Attachment.objects.count(),
    )


def web_referral_recorded(world):
    """A coordinator records a request received by fax, for a professional without account."""
    fields = {
        **world.form_data,
        "channel": "fax",
        "rpps": DirectoryEntryFactory().identifier,
        "email": "par.fax@exemple.fr",
    }
    coordinator = world.client_for(UserFactory(coordinator=True))
    return _referral_page(
        "referrals:record",
        coordinator,
        fields,
        lambda: Referral.objects.count() + Attachment.objects.count(),
    )


def web_message(world):
    referral = world.referral()

    def send(name, data):
        body = multipart({"body": "Voir le document joint."}, "files", name, data)
        response = world.client_for(world.requester).post(
            reverse("referrals:message", args=[referral.public_id]),
            body,
            content_type=MULTIPART,
        )
        return _flashed(response)

    return send, lambda: Message.objects.count() + Attachment.objects.count()


def api_attachments(world):
    referral = world.referral()

    def send(name, data):
        world.api_client.force_authenticate(world.requester)
        response = world.api_client.post(
            f"/api/v1/referrals/{referral.public_id}/attachments/",
            multipart({}, "files", name, data),
            content_type=MULTIPART,
        )
        return _api(response)

    return send, Attachment.objects.count


def api_message(world):
    referral = world.referral()

    def send(name, data):
        world.api_client.force_authenticate(world.requester)
        response = world.api_client.post(
            f"/api/v1/referrals/{referral.public_id}/messages/",
            multipart({"body": "Document joint."}, "files", name, data),
            content_type=MULTIPART,
        )
        return _api(response)

    return send, lambda: Message.objects.count() + Attachment.objects.count()


def web_information_answer(world):
    referral = world.referral()
    services.referral_request_info(
        referral_id=referral.pk, by=UserFactory(coordinator=True), question="L'ECG ?"
    )

    def send(name, data):
        body = multipart({"answer": "Voici l'ECG."}, "files", name, data)
        response = world.client_for(world.requester).post(
            reverse("referrals:provide_info", args=[referral.public_id]),
            body,
            content_type=MULTIPART,
        )
        return _flashed(response)

    def rows():
        status = Referral.objects.get(pk=referral.pk).status
        return Message.objects.count() + Attachment.objects.count() + (status != "info_requested")

    return send, rows


def web_specialist_report(world):
    referral = world.referral()
    specialist = UserFactory(specialist=True)
    services.referral_triage(
        referral_id=referral.pk,
        by=UserFactory(coordinator=True),
        priority="P3",
        response_mode="teleexpertise_async",
        specialist=specialist,
    )
    services.referral_accept(referral_id=referral.pk, by=specialist)

    def send(name, data):
        body = multipart({"answer": "Avis joint."}, "files", name, data)
        response = world.client_for(specialist).post(
            reverse("referrals:complete", args=[referral.public_id]),
            body,
            content_type=MULTIPART,
        )
        return _flashed(response)

    def rows():
        status = Referral.objects.get(pk=referral.pk).status
        return Attachment.objects.count() + (status != "accepted")

    return send, rows


def web_convention_document(world):
    manager = UserFactory(manager=True)
    convention = ConventionFactory()

    def send(name, data):
        body = multipart({"doc_type": "draft"}, "file", name, data)
        response = world.client_for(manager).post(
            reverse("partners:convention_document_upload", args=[convention.public_id]),
            body,
            content_type=MULTIPART,
        )
        return _flashed(response)

    return send, ConventionDocument.objects.count


def web_project_annex(world):
    from projet_sante.project import services as project_services

    manager = UserFactory(manager=True)
    version = project_services.version_start(by=manager)

    def send(name, data):
        body = multipart({"title": "Carte du territoire"}, "file", name, data)
        response = world.client_for(manager).post(
            f"/projet-sante/versions/{version.public_id}/annexes/",
            body,
            content_type=MULTIPART,
        )
        return _flashed(response)

    return send, ProjectAnnex.objects.count


def web_expense_receipt(world):
    manager = UserFactory(manager=True)
    fields = {
        "date": "2025-03-01",
        "category": "running",
        "label": "Fournitures",
        "amount": "120,00",
        "supplier": "Papeterie",
    }

    def send(name, data):
        body = multipart(fields, "receipt", name, data)
        response = world.client_for(manager).post(
            "/budget/depenses/nouvelle/", body, content_type=MULTIPART
        )
        return _page(response) if response.status_code == 200 else _flashed(response)

    return send, lambda: Expense.objects.count() + ExpenseReceipt.objects.count()


def web_association_statutes(world):
    manager = UserFactory(manager=True)

    def send(name, data):
        body = multipart({}, "upload", name, data)
        response = world.client_for(manager).post(
            reverse("association:statutes_upload"), body, content_type=MULTIPART
        )
        return _flashed(response)

    return send, Statutes.objects.count


ENTRY_POINTS = {
    "web-referral-form": web_referral_form,
    "web-referral-without-account": web_referral_without_account,
    "web-referral-recorded": web_referral_recorded,
    "web-message": web_message,
    "api-attachments": api_attachments,
    "api-message": api_message,
    "web-information-answer": web_information_answer,
    "web-specialist-report": web_specialist_report,
    "web-convention-document": web_convention_document,
    "web-project-annex": web_project_annex,
    "web-expense-receipt": web_expense_receipt,
    "web-association-statutes": web_association_statutes,
}
