"""A professional without an account sends a request from the public form: it waits, seen by
nobody, until the emailed link is followed; then it enters the queue as any other."""

import os
import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ess.models import Departement, Notification, OutboundEmail, Team
from members.models import User
from members.services.registration import (
    registration_confirm,
    registration_submit,
    registration_token,
)
from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.periods import current_quarter
from referrals import services
from referrals.models import (
    Patient,
    PendingAttachment,
    Referral,
    ReferralEvent,
    RequesterContact,
    Status,
)
from tests.factories import DirectoryEntryFactory, UserFactory, valid_rpps
from tests.referrals.conftest import pdf_upload

URL = reverse("referrals:create_without_account")
EMAIL = "dr.sanscompte@exemple.fr"


@pytest.fixture
def gp_entry(db):
    return DirectoryEntryFactory(last_name="AUBRAC", first_name="Julien")


@pytest.fixture
def public_data(form_data, gp_entry):
    return {**form_data, "rpps": gp_entry.identifier, "email": EMAIL, "sender_consent": "on"}


def text(response) -> str:
    return unescape(response.content.decode())


def send(data, client=None):
    return (client or Client()).post(URL, data)


def link_in(email: OutboundEmail) -> str:
    return re.search(r"https?://\S+/demandes/sans-compte/confirmer/\S+/", email.body_text)[0]


def confirmation_path(email: OutboundEmail) -> str:
    return "/" + link_in(email).split("/", 3)[3]


def unconfirmed():
    return Referral.all_objects.get(status=Status.AWAITING_CONFIRMATION)


def test_the_public_form_asks_for_rpps_email_and_consent_and_lists_no_user(
    client, cardiology, requester
):
    response = client.get(URL)

    assert response.status_code == 200
    assert "Demander un avis spécialisé sans compte" in text(response)
    assert 'name="rpps"' in text(response) and 'name="email"' in text(response)
    assert 'name="sender_consent"' in text(response)
    assert 'name="referring_gp"' not in text(response)
    assert requester.last_name not in text(response)


def test_a_signed_in_requester_is_sent_to_the_usual_form(client_for, requester, cardiology):
    response = client_for(requester).get(URL)

    assert response.status_code == 302
    assert response.url == reverse("referrals:create")


def test_a_request_without_account_waits_unseen_and_a_link_is_emailed(
    public_data, coordinator, client_for
):
    response = send({**public_data, "files": [pdf_upload()]})

    assert response.status_code == 302
    assert response.url == reverse("referrals:without_account_sent")
    referral = unconfirmed()
    assert referral.channel == "web_no_account"
    assert referral.attachments.count() == 1
    assert referral.requester.get_full_name() == "Julien AUBRAC"
    assert not referral.requester.is_active and not referral.requester.has_usable_password()
    contact = RequesterContact.objects.get()
    assert (contact.email, contact.rpps, contact.email_verified_at) == (
        EMAIL,
        public_data["rpps"],
        None,
    )
    (email,) = OutboundEmail.objects.filter(to=EMAIL)
    assert "Confirmez l'envoi de votre demande" in email.subject
    assert "DURAND" not in email.body_text and "Palpitations" not in email.body_text
    assert link_in(email)
    # Nobody sees it: no notification, no queue, no API list, no indicator.
    assert not Notification.objects.exists()
    assert not Referral.objects.exists()
    coordinator_client = client_for(coordinator)
    dashboard = coordinator_client.get(reverse("referrals:dashboard"), {"vue": "toutes"})
    assert referral.reference not in text(dashboard)
    api = coordinator_client.get("/api/v1/referrals/")
    assert api.json()["count"] == 0
    detail = coordinator_client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert detail.status_code == 404
    figures = indicators_compute(current_quarter())
    assert figures["requests_received"]["value"] == 0
    assert figures["requests_by_channel"]["value"] == {}


def test_the_page_after_sending_says_to_follow_the_link(public_data):
    client = Client()
    send(public_data, client)

    response = client.get(reverse("referrals:without_account_sent"))

    assert f"Un lien vient d'être envoyé à {EMAIL}" in text(response)


def test_an_rpps_unknown_to_the_directory_is_refused_and_nothing_is_written(public_data):
    response = send({**public_data, "rpps": valid_rpps("1980999999")})

    assert response.status_code == 200
    assert "ne figure pas dans l'annuaire national" in text(response)
    assert not Referral.all_objects.exists()
    assert not Patient.objects.exists()
    assert not RequesterContact.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_mistyped_rpps_and_a_missing_consent_are_explained(public_data):
    data = {**public_data, "rpps": "12345678901"}
    data.pop("sender_consent")

    response = send(data)

    assert "La clé du numéro RPPS est incorrecte" in text(response)
    assert "Votre accord est nécessaire pour traiter la demande." in text(response)
    assert not Referral.all_objects.exists()


def test_following_the_link_asks_once_more_then_sends_the_request_to_the_queue(
    public_data, coordinator
):
    send(public_data)
    path = confirmation_path(OutboundEmail.objects.get(to=EMAIL))
    client = Client()

    page = client.get(path)
    assert "Confirmer l'envoi à l'ESS" in text(page)
    assert unconfirmed()  # a GET (a mail scanner) sends nothing

    response = client.post(path)

    assert response.status_code == 200
    assert "est transmise à la coordination de l'ESS" in text(response)
    referral = Referral.objects.get()
    assert referral.status == Status.SUBMITTED
    assert list(referral.events.values_list("from_status", "to_status")) == [
        ("", "unconfirmed"),
        ("unconfirmed", "submitted"),
    ]
    assert Notification.objects.filter(recipient=coordinator, kind="referral_new").count() == 1
    ack = OutboundEmail.objects.get(to=EMAIL, subject__contains="reçue")
    assert referral.reference in ack.subject and "DURAND" not in ack.body_text
    assert RequesterContact.objects.get().email_verified_at is not None


def test_a_second_click_on_the_link_changes_nothing(public_data, coordinator):
    send(public_data)
    path = confirmation_path(OutboundEmail.objects.get(to=EMAIL))
    Client().post(path)
    counts = (ReferralEvent.objects.count(), Notification.objects.count())
    emails = OutboundEmail.objects.count()

    again = Client().post(path)
    page = Client().get(path)

    assert again.status_code == 200 and page.status_code == 200
    assert "a déjà été confirmée" in text(page)
    assert (ReferralEvent.objects.count(), Notification.objects.count()) == counts
    assert OutboundEmail.objects.count() == emails


def test_a_forged_link_is_refused(public_data):
    send(public_data)
    path = confirmation_path(OutboundEmail.objects.get(to=EMAIL))

    response = Client().post(path[:-3] + "xx/")

    assert response.status_code == 404
    assert "Ce lien de confirmation n'est pas valable" in text(response)
    assert unconfirmed()


def test_an_expired_link_is_refused_and_the_purge_deletes_the_request(
    public_data, settings, django_capture_on_commit_callbacks
):
    send({**public_data, "files": [pdf_upload()]})
    path = confirmation_path(OutboundEmail.objects.get(to=EMAIL))
    stored = unconfirmed().attachments.get().file.path
    later = timezone.now() + timedelta(hours=settings.ESS_UNCONFIRMED_REFERRAL_HOURS, minutes=1)

    with time_machine.travel(later):
        response = Client().post(path)
        assert response.status_code == 404
        assert unconfirmed()

        with django_capture_on_commit_callbacks(execute=True):
            assert services.referrals_purge_unconfirmed() == 1
        assert services.referrals_purge_unconfirmed() == 0  # idempotent

    assert not Referral.all_objects.exists()
    assert not Patient.objects.exists()
    assert not RequesterContact.objects.exists()
    assert not User.objects.filter(email__endswith="@contacts.invalid").exists()
    assert not os.path.exists(stored)


def test_the_purge_keeps_requests_still_within_their_delay_and_confirmed_ones(public_data):
    send(public_data)
    Client().post(confirmation_path(OutboundEmail.objects.get(to=EMAIL)))
    send({**public_data, "submission_key": "b" * 32})  # a second form, not the first resent

    assert services.referrals_purge_unconfirmed() == 0
    assert Referral.all_objects.count() == 2


def test_the_public_form_is_throttled_per_address(public_data, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "referral_without_account": "1/h/ip",
    }
    client = Client()
    send(public_data, client)

    response = send(public_data, client)

    assert response.status_code == 429
    assert Referral.all_objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The account is claimed later
# ---------------------------------------------------------------------------------------------
def confirmed_request(public_data) -> Referral:
    send(public_data)
    Client().post(confirmation_path(OutboundEmail.objects.get(to=EMAIL)))
    return Referral.objects.get()


def test_an_account_with_the_same_rpps_and_verified_address_gets_the_requests(
    public_data, client_for
):
    referral = confirmed_request(public_data)
    user = UserFactory(requester=True, email=EMAIL, rpps=public_data["rpps"])

    assert services.attach_unclaimed_requests(user) == 1
    assert services.attach_unclaimed_requests(user) == 0

    referral.refresh_from_db()
    assert referral.requester == user
    assert RequesterContact.objects.get().claimed_by == user
    listing = client_for(user).get(reverse("referrals:list"))
    assert referral.reference in text(listing)


def test_confirming_the_address_through_allauth_attaches_the_requests(public_data, db):
    referral = confirmed_request(public_data)
    user = UserFactory(requester=True, email=EMAIL, rpps=public_data["rpps"])
    address = EmailAddress.objects.get(user=user, email=EMAIL)

    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)

    referral.refresh_from_db()
    assert referral.requester == user


def test_another_address_or_another_rpps_claims_nothing(public_data):
    referral = confirmed_request(public_data)
    stand_in = referral.requester
    other_address = UserFactory(requester=True, rpps=public_data["rpps"])
    other_rpps = UserFactory(requester=True, email=EMAIL, rpps=DirectoryEntryFactory().identifier)

    assert services.attach_unclaimed_requests(other_address) == 0
    assert services.attach_unclaimed_requests(other_rpps) == 0
    referral.refresh_from_db()
    assert referral.requester == stand_in


def test_a_request_confirmed_after_the_account_exists_goes_to_it(public_data):
    user = UserFactory(requester=True, email=EMAIL, rpps=public_data["rpps"])

    referral = confirmed_request(public_data)

    assert referral.requester == user


def test_a_professional_no_longer_practising_is_refused(public_data):
    retired = DirectoryEntryFactory(has_activity=False)

    response = send({**public_data, "rpps": retired.identifier})

    assert "ne figure pas dans l'annuaire national" in text(response)
    assert not Referral.all_objects.exists()


def test_registering_by_rpps_attaches_the_requests_sent_without_an_account(public_data, territory):
    team, _ = Team.objects.get_or_create(pk=1, defaults={"name": "ESS du Loiret"})
    team.departements.add(Departement.objects.get(code="45"))
    referral = confirmed_request(public_data)

    registration = registration_submit(identifier=public_data["rpps"], email=EMAIL)
    registration = registration_confirm(
        token=registration_token(registration), password="Souffle-systolique-2026"
    )

    referral.refresh_from_db()
    assert referral.requester == registration.user
    assert registration.user.is_active


def test_the_public_form_sent_twice_makes_one_request_and_one_email(public_data):
    client = Client()

    first = send(public_data, client)
    second = send(public_data, client)

    assert first.status_code == second.status_code == 302
    assert Referral.all_objects.count() == 1
    assert OutboundEmail.objects.filter(to=EMAIL).count() == 1


def test_the_error_summary_follows_the_page_the_sender_first(public_data):
    data = {**public_data, "rpps": "12345678901", "email": "pas-une-adresse", "question": ""}

    page = text(send(data))

    summary = page.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    order = [summary.index(label) for label in ("RPPS", "adresse électronique", "Question")]
    assert order == sorted(order)


# Files kept across a refused attempt -----------------------------------------------------------
def test_a_refused_public_form_keeps_its_file_and_names_a_refused_one_at_once(public_data):
    client = Client()
    data = {**public_data, "question": ""}
    page = SimpleUploadedFile("page.html", b"<html><body>x</body></html>", "text/html")

    refused = client.post(URL, {**data, "files": [pdf_upload("ecg.pdf"), page]})

    body = text(refused)
    assert "Ce champ est obligatoire." in body  # the question left empty
    assert "« page.html »" in body  # the refused file named in the same answer
    kept = PendingAttachment.objects.get()
    assert (kept.user, kept.original_name) == (None, "ecg.pdf")
    assert "Votre pièce jointe est conservée : inutile de la joindre à nouveau." in body
    assert f'name="kept_files" value="{kept.public_id}"' in body
    assert not Referral.all_objects.exists()

    sent = client.post(URL, {**public_data, "kept_files": [str(kept.public_id)]})

    assert sent.status_code == 302
    (attachment,) = unconfirmed().attachments.all()
    assert attachment.original_name == "ecg.pdf"
    assert attachment.file.read().startswith(b"%PDF")
    assert not PendingAttachment.objects.exists()


def test_a_file_kept_for_one_visitor_cannot_be_claimed_by_another(public_data):
    Client().post(URL, {**public_data, "question": "", "files": [pdf_upload()]})
    theirs = PendingAttachment.objects.get()

    sent = Client().post(URL, {**public_data, "kept_files": [str(theirs.public_id)]})

    assert sent.status_code == 302
    assert not unconfirmed().attachments.exists()
    assert PendingAttachment.objects.get() == theirs
