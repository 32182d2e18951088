"""The coordination records a request received by phone, fax or mail, on behalf of its caller:
a professional with an account, or one identified by the national directory."""

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ess.models import Notification, OutboundEmail
from referrals import services
from referrals.models import PendingAttachment, Referral, RequesterContact, Status
from tests.factories import DirectoryEntryFactory, UserFactory, valid_rpps
from tests.referrals.conftest import pdf_upload

URL = reverse("referrals:record")
CALLER_EMAIL = "dr.telephone@exemple.fr"


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def caller_entry(db):
    return DirectoryEntryFactory(last_name="BERTHELIN", first_name="Claire")


@pytest.fixture
def phone_data(form_data, caller_entry):
    return {
        **form_data,
        "channel": "phone",
        "caller": "",
        "rpps": caller_entry.identifier,
        "email": CALLER_EMAIL,
        "caller_phone": "02 38 00 00 00",
    }


@pytest.mark.parametrize("persona", ["requester", "specialist", "manager", "authority"])
def test_only_the_coordination_records_requests(request, client_for, persona, cardiology):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(URL).status_code == 403


def test_the_queue_offers_to_record_a_request(client_for, coordinator, cardiology):
    dashboard = client_for(coordinator).get(reverse("referrals:dashboard"))

    assert URL in text(dashboard)
    page = client_for(coordinator).get(URL)
    assert "Saisir une demande reçue par téléphone, télécopie ou courrier" in text(page)


def test_a_phone_request_for_a_caller_with_an_account(
    client_for, coordinator, requester, form_data, django_capture_on_commit_callbacks
):
    other = UserFactory(coordinator=True)
    data = {**form_data, "channel": "phone", "caller": str(requester.public_id)}

    with django_capture_on_commit_callbacks(execute=True):  # the coordinators are told after
        response = client_for(coordinator).post(URL, data)

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.public_id])
    assert (referral.requester, referral.channel, referral.recorded_by) == (
        requester,
        "phone",
        coordinator,
    )
    assert referral.status == Status.SUBMITTED
    assert referral.events.get().actor == coordinator
    ack = OutboundEmail.objects.get(to=requester.email)
    assert referral.reference in ack.subject and "par téléphone" in ack.body_text
    assert Notification.objects.filter(recipient=other, kind="referral_new").exists()
    assert not Notification.objects.filter(recipient=coordinator).exists()
    assert referral.reference in text(client_for(requester).get(reverse("referrals:list")))


def test_a_fax_request_for_a_professional_without_account(client_for, coordinator, phone_data):
    response = client_for(coordinator).post(URL, {**phone_data, "channel": "fax"})

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.channel == "fax" and referral.status == Status.SUBMITTED
    contact = RequesterContact.objects.get()
    assert (contact.email, contact.phone, contact.created_by) == (
        CALLER_EMAIL,
        "02 38 00 00 00",
        coordinator,
    )
    assert referral.requester == contact.stand_in
    assert not contact.stand_in.is_active
    assert referral.requester.display_name == "Dr Claire BERTHELIN"
    ack = OutboundEmail.objects.get(to=CALLER_EMAIL)
    assert "par télécopie" in ack.body_text and "ouvrez votre compte" in ack.body_text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rpps": ""}, "Choisissez le professionnel inscrit, ou saisissez le RPPS de l'appelant."),
        ({"email": ""}, "L'adresse électronique du demandeur est requise pour lui répondre."),
        ({"rpps": valid_rpps("1980999998")}, "ne figure pas dans l'annuaire national"),
        ({"channel": "web"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_caller_who_cannot_be_identified_is_refused(
    client_for, coordinator, phone_data, changes, message
):
    response = client_for(coordinator).post(URL, {**phone_data, **changes})

    assert response.status_code == 200
    assert message in text(response)
    assert not Referral.all_objects.exists()
    assert not RequesterContact.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_the_service_refuses_anyone_but_the_coordination(requester, caller_entry, form_data):
    with pytest.raises(PermissionDenied):
        services.referral_record_for_caller(
            by=requester, channel="phone", data=None, rpps=caller_entry.identifier, email="x@y.fr"
        )


def test_the_caller_without_account_gets_the_answer_by_email_end_to_end(
    client_for, coordinator, specialist, phone_data
):
    """Recorded by phone, triaged, answered by a specialist: the caller is told at the address
    given on the phone, with no health data in the email; their account gets the case later."""
    coordination = client_for(coordinator)
    coordination.post(URL, phone_data)
    referral = Referral.objects.get()
    coordination.post(
        reverse("referrals:triage", args=[referral.public_id]),
        {
            "priority": "P2",
            "response_mode": "teleexpertise_async",
            "specialist": str(specialist.public_id),
        },
    )
    answering = client_for(specialist)
    answering.post(reverse("referrals:accept", args=[referral.public_id]))
    answering.post(
        reverse("referrals:complete", args=[referral.public_id]),
        {"answer": "Holter ECG de 24 heures puis bêtabloquant si besoin.", "files": []},
    )

    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    emails = OutboundEmail.objects.filter(to=CALLER_EMAIL).order_by("pk")
    subjects = [e.subject for e in emails]
    assert subjects[0] == f"[ESS] Demande {referral.reference} reçue"
    answer = emails.get(subject__contains="Réponse disponible")
    assert referral.reference in answer.subject
    assert "Le spécialiste de l'ESS a répondu à votre demande" in answer.body_text
    for email in emails:
        assert "Holter" not in email.body_text and "DURAND" not in email.body_text
        assert "Palpitations" not in email.body_text

    # The caller opens an account with the same RPPS and address: the case is theirs.
    user = UserFactory(requester=True, email=CALLER_EMAIL, rpps=phone_data["rpps"])
    services.attach_unclaimed_requests(user)
    page = client_for(user).get(reverse("referrals:detail", args=[referral.public_id]))
    assert page.status_code == 200
    assert "Holter ECG de 24 heures" in text(page)


def test_the_referral_page_tells_the_coordination_how_to_reach_the_caller(
    client_for, coordinator, phone_data
):
    client = client_for(coordinator)
    client.post(URL, phone_data)
    referral = Referral.objects.get()

    page = text(client.get(reverse("referrals:detail", args=[referral.public_id])))

    assert "reçue par téléphone" in page
    assert f"Demandeur sans compte sur la plateforme (RPPS {phone_data['rpps']})" in page
    assert CALLER_EMAIL in page and "Téléphone : 02 38 00 00 00." in page


def test_the_api_gives_the_channel_and_records_its_own(
    client_for, coordinator, requester, form_data, api_client, api_body
):
    client_for(coordinator).post(
        URL, {**form_data, "channel": "mail", "caller": str(requester.public_id)}
    )
    recorded = Referral.objects.get()
    api_client.force_authenticate(requester)

    assert api_client.get(f"/api/v1/referrals/{recorded.public_id}/").json()["channel"] == "mail"
    created = api_client.post("/api/v1/referrals/", api_body, format="json")
    assert created.status_code == 201
    assert created.json()["channel"] == "api"


def test_a_recording_sent_twice_records_one_request(client_for, coordinator, phone_data):
    client = client_for(coordinator)

    first = client.post(URL, phone_data)
    second = client.post(URL, phone_data)

    referral = Referral.objects.get()
    assert first.url == second.url == reverse("referrals:detail", args=[referral.public_id])
    assert OutboundEmail.objects.filter(to=CALLER_EMAIL).count() == 1


def test_the_same_recording_form_sent_again_with_other_data_is_refused(
    client_for, coordinator, phone_data
):
    client = client_for(coordinator)
    client.post(URL, phone_data)

    response = client.post(URL, {**phone_data, "question": "Une tout autre question ?"})

    assert response.status_code == 200
    assert "déjà été envoyé avec d'autres données" in text(response)
    assert Referral.objects.count() == 1


def test_a_refused_recording_keeps_the_scanned_letter_for_the_corrected_form(
    client_for, coordinator, phone_data
):
    client = client_for(coordinator)

    refused = client.post(URL, {**phone_data, "question": "", "files": [pdf_upload("fax.pdf")]})

    kept = PendingAttachment.objects.get()
    assert (kept.user, kept.original_name) == (coordinator, "fax.pdf")
    assert f'name="kept_files" value="{kept.public_id}"' in text(refused)

    sent = client.post(URL, {**phone_data, "kept_files": [str(kept.public_id)]})

    assert sent.status_code == 302
    assert [a.original_name for a in Referral.objects.get().attachments.all()] == ["fax.pdf"]
    assert not PendingAttachment.objects.exists()
