"""A professional without an account reads the answer through the personal link emailed to them:
signed, time-limited, bound to their contact and request, shown only once they give their RPPS
(or ADELI) number, audited on each read; a wrong number, an altered or expired link reveal
nothing."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ess.models import AuditEvent, AuditOutcome, OutboundEmail
from referrals.answer_links import answer_link_token
from referrals.models import Attachment, Referral, RequesterContact
from tests.factories import ReferralFactory
from tests.referrals.conftest import pdf_upload
from tests.referrals.test_recorded_intake import CALLER_EMAIL, URL, caller_entry, phone_data

__all__ = ["caller_entry", "phone_data"]  # fixtures of the recorded intake

ANSWER = "Holter ECG de 24 heures puis bêtabloquant si besoin."
LINK = re.compile(r"https?://[^/\s]+(/demandes/sans-compte/reponse/[^/\s]+/)")


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def answered(client_for, coordinator, specialist, phone_data):
    """A phone request recorded for a caller without an account, answered with a report."""
    coordination = client_for(coordinator)
    coordination.post(URL, phone_data)
    referral = Referral.objects.get()
    coordination.post(
        reverse("referrals:triage", args=[referral.public_id]),
        {"priority": "P2", "response_mode": "teleexpertise_async", "specialist": ""},
    )
    answering = client_for(specialist)
    answering.post(reverse("referrals:accept", args=[referral.public_id]))
    answering.post(
        reverse("referrals:complete", args=[referral.public_id]),
        {"answer": ANSWER, "files": [pdf_upload("compte-rendu.pdf")]},
    )
    referral.refresh_from_db()
    assert referral.status == "completed", referral.status
    return referral


def answer_email():
    return OutboundEmail.objects.get(to=CALLER_EMAIL, subject__contains="Réponse disponible")


def link_path() -> str:
    return LINK.search(answer_email().body_text).group(1)


def identify(client, path, identifier):
    return client.post(path, {"identifier": identifier})


def test_the_answer_email_carries_a_personal_link_and_no_health_data(answered):
    email = answer_email()

    assert LINK.search(email.body_text)
    assert "confirmez votre numéro RPPS" in email.body_text
    assert "valable 30 jours" in email.body_text
    assert "Holter" not in email.body_text and "DURAND" not in email.body_text.upper()


def test_the_link_alone_shows_nothing_until_the_rpps_is_confirmed(answered, phone_data, specialist):
    client, path = Client(), link_path()

    first = client.get(path)

    assert first.status_code == 200
    assert "Votre numéro RPPS (ou ADELI)" in text(first)
    for hidden in ("Holter", answered.reference, "Durand", specialist.last_name):
        assert hidden not in text(first)
    assert not AuditEvent.objects.filter(object_id=str(answered.public_id)).exists()

    response = identify(client, path, phone_data["rpps"])

    assert response.status_code == 302 and response.url == path
    page = client.get(path)
    assert page.status_code == 200
    for shown in (ANSWER, specialist.display_name, answered.reference, "compte-rendu.pdf"):
        assert shown in text(page)
    assert reverse("members:registration") in text(page)
    read = AuditEvent.objects.get(object_id=str(answered.public_id), action="view")
    contact = RequesterContact.objects.get()
    assert (read.actor, read.object_label) == (contact.stand_in, answered.reference)
    assert path not in read.path and "lien" in read.path
    client.get(path)
    assert AuditEvent.objects.filter(object_id=str(answered.public_id)).count() == 2


def test_the_report_downloads_after_the_check_and_is_audited(answered, phone_data):
    client, path = Client(), link_path()
    report = Attachment.objects.get(referral=answered, is_report=True)
    file_url = f"{path}pieces/{report.public_id}/"
    assert client.get(file_url).status_code == 302  # not yet: back to the question

    identify(client, path, phone_data["rpps"])
    response = client.get(file_url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    download = AuditEvent.objects.get(action="download")
    assert download.actor == RequesterContact.objects.get().stand_in
    assert path not in download.path


def test_a_file_that_is_not_the_answers_is_not_served(answered, phone_data, coordinator):
    question_file = Attachment.objects.create(
        referral=answered,
        uploaded_by=coordinator,
        original_name="ecg.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        file="referrals/x",
    )
    client, path = Client(), link_path()
    identify(client, path, phone_data["rpps"])

    assert client.get(f"{path}pieces/{question_file.public_id}/").status_code == 404


@pytest.mark.parametrize("typed", ["10003456789", "", "abc"])
def test_a_wrong_number_is_refused_in_french_and_reveals_nothing(answered, typed):
    client, path = Client(), link_path()

    response = identify(client, path, typed)

    assert response.status_code == 200
    page = text(response)
    assert "Holter" not in page and answered.reference not in page
    if typed:
        assert "Ce numéro ne correspond pas au professionnel" in page
        refusal = AuditEvent.objects.get(object_id=str(answered.public_id))
        assert refusal.outcome == AuditOutcome.REFUSED and refusal.actor is None
    else:
        assert "Ce champ est obligatoire." in page
    assert "Holter" not in text(client.get(path))


def test_the_rpps_question_is_throttled_per_link(answered, phone_data, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "answer_without_account": "100/h/ip,2/h/key",
    }
    path = link_path()
    for _ in range(2):
        identify(Client(REMOTE_ADDR="203.0.113.9"), path, "10003456789")

    response = identify(Client(REMOTE_ADDR="198.51.100.7"), path, phone_data["rpps"])

    assert response.status_code == 429
    assert "Holter" not in text(response)


def test_the_national_form_of_the_rpps_is_accepted(answered, phone_data):
    client, path = Client(), link_path()

    identify(client, path, "8" + phone_data["rpps"])

    assert ANSWER in text(client.get(path))


def test_an_altered_link_is_refused_like_a_missing_page(answered):
    path = link_path()
    altered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]

    for response in (Client().get(altered), Client().post(altered, {"identifier": "1"})):
        assert response.status_code == 404
        assert "Lien non valable" in text(response)
        assert answered.reference not in text(response)


def test_an_expired_link_is_refused(answered, phone_data, settings):
    path = link_path()

    with time_machine.travel(timezone.now() + timedelta(days=settings.ESS_ANSWER_LINK_DAYS + 1)):
        response = identify(Client(), path, phone_data["rpps"])

    assert response.status_code == 404
    assert "il a expiré" in text(response)


def test_a_link_is_bound_to_its_contact_and_its_request(answered):
    contact = RequesterContact.objects.get()
    someone_elses = ReferralFactory(answer="Autre réponse.")
    token = answer_link_token(contact=contact, referral=someone_elses)

    response = Client().get(reverse("referrals:answer_without_account", args=[token]))

    assert response.status_code == 404
    assert "Autre réponse" not in text(response)


def test_once_claimed_by_an_account_the_link_sends_to_sign_in(answered):
    path = link_path()
    RequesterContact.objects.update(claimed_at=timezone.now())

    response = Client().get(path)

    assert response.status_code == 404
    assert "connectez-vous pour la lire" in text(response)


def test_the_acknowledgement_says_what_will_happen(answered):
    ack = OutboundEmail.objects.filter(to=CALLER_EMAIL).order_by("pk").first()

    assert "Ce qui va se passer" in ack.body_text
    assert "Réponse attendue au plus tard le" in ack.body_text
    assert "un lien personnel, valable 30 jours" in ack.body_text
    assert "Urgence vitale : appelez le 15." in ack.body_text
