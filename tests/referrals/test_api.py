"""The referral API (docs/design.md §8): creation, idempotency, visibility, errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ess.models import AuditEvent, Notification, OutboundTask
from referrals.models import Attachment, Patient, Referral
from tests.factories import ReferralFactory
from tests.referrals.conftest import NIR, pdf_upload

LIST = "/api/v1/referrals/"


def detail(referral) -> str:
    return f"/api/v1/referrals/{referral.public_id}/"


def test_a_requester_creates_a_referral(api_client, requester, api_body):
    api_client.force_authenticate(requester)

    response = api_client.post(LIST, api_body, format="json")

    assert response.status_code == 201
    data = response.json()
    referral = Referral.objects.get()
    assert data["id"] == str(referral.public_id)
    assert data["reference"] == referral.reference
    assert data["status"] == "submitted"
    assert data["patient"]["ins"] == NIR
    assert data["timeline"][0]["to_status"] == "submitted"


def test_the_answer_to_a_submission_is_the_referral_as_read_back(api_client, requester, api_body):
    api_client.force_authenticate(requester)

    created = api_client.post(LIST, {**api_body, "referring_gp_name": "Dr Martin"}, format="json")
    read = api_client.get(f"{LIST}{created.json()['id']}/")

    assert created.status_code == 201
    assert created.json() == read.json()


def test_the_answer_for_a_known_ins_with_other_traits_is_the_referral_as_read_back(
    api_client, requester, api_body
):
    api_client.force_authenticate(requester)
    api_client.post(LIST, api_body, format="json")
    other_traits = {**api_body, "patient": {**api_body["patient"], "first_names": "Jeanne"}}

    created = api_client.post(LIST, other_traits, format="json")

    assert created.status_code == 201
    assert Referral.objects.exclude(identity_conflict=None).count() == 1
    assert created.json() == api_client.get(f"{LIST}{created.json()['id']}/").json()


def test_the_coordinators_are_told_of_a_new_referral_once_it_is_committed(
    api_client, requester, coordinator, api_body, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(requester)

    with django_capture_on_commit_callbacks() as after_commit:
        response = api_client.post(LIST, api_body, format="json")
        assert not Notification.objects.exists()  # the answer does not wait for them
    for callback in after_commit:  # what the worker does once the transaction commits
        callback()

    reference = response.json()["reference"]
    (told,) = Notification.objects.filter(recipient=coordinator, kind="referral_new")
    assert told.title == f"Nouvelle demande : {reference}"
    assert not Notification.objects.filter(recipient=requester).exists()
    assert OutboundTask.objects.get().sent_at is not None


def test_a_retry_with_the_same_idempotency_key_returns_the_first_referral(
    api_client, requester, api_body
):
    api_client.force_authenticate(requester)

    first = api_client.post(LIST, api_body, format="json", HTTP_IDEMPOTENCY_KEY="cle-123")
    retry = api_client.post(LIST, api_body, format="json", HTTP_IDEMPOTENCY_KEY="cle-123")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]
    assert Referral.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_conflict(api_client, requester, api_body):
    api_client.force_authenticate(requester)
    api_client.post(LIST, api_body, format="json", HTTP_IDEMPOTENCY_KEY="cle-123")

    response = api_client.post(
        LIST,
        {**api_body, "question": "Autre question"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="cle-123",
    )

    assert response.status_code == 409
    assert "clé d'idempotence" in response.json()["detail"]
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"patient": {"ins": NIR[:-2] + "00"}}, ["patient", "ins"], "La clé du NIR/INS"),
        ({"consent": False}, ["consent"], "consentement du patient"),
        ({"patient": {"commune": "99999"}}, ["patient", "commune"], "Commune inconnue"),
        ({"urgency": "P9"}, ["urgency"], "n'est pas un choix valide"),
        ({"specialty": "astrologie"}, ["specialty"], "Spécialité inconnue : « astrologie »."),
        (
            {"referring_gp": "0b6d9a3e-1c2f-4d5e-8a9b-000000000099"},
            ["referring_gp"],
            "Médecin traitant inconnu : l'identifiant « 0b6d9a3e-1c2f-4d5e-8a9b-000000000099 » "
            "n'est celui d'aucun médecin traitant inscrit sur la plateforme.",
        ),
    ],
)
def test_invalid_bodies_get_field_messages_and_write_nothing(
    api_client, requester, api_body, change, path, message
):
    api_client.force_authenticate(requester)
    body = {**api_body, **change}
    if "patient" in change:
        body["patient"] = {**api_body["patient"], **change["patient"]}

    response = api_client.post(LIST, body, format="json")

    assert response.status_code == 400
    errors = response.json()
    for key in path:
        errors = errors[key]
    assert message in " ".join(errors)
    assert (Referral.objects.count(), Patient.objects.count()) == (0, 0)


def test_the_list_shows_only_what_the_caller_may_see_paginated(
    api_client, requester, other_requester
):
    mine = ReferralFactory(requester=requester)
    ReferralFactory(requester=other_requester)
    api_client.force_authenticate(requester)

    data = api_client.get(LIST).json()

    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 1
    assert data["results"][0]["id"] == str(mine.public_id)


def test_another_requesters_referral_is_a_404_by_api(api_client, requester, other_requester):
    theirs = ReferralFactory(requester=other_requester)
    api_client.force_authenticate(requester)

    assert api_client.get(detail(theirs)).status_code == 404
    assert api_client.post(detail(theirs) + "cancel/", {"reason": "x"}).status_code == 404
    assert api_client.get(detail(theirs) + "messages/").status_code == 404


def test_the_authority_sees_no_referral(api_client, authority, requester):
    ReferralFactory(requester=requester)
    api_client.force_authenticate(authority)

    assert api_client.get(LIST).json()["count"] == 0


def test_api_reads_are_audited(api_client, requester):
    referral = ReferralFactory(requester=requester)
    api_client.force_authenticate(requester)

    api_client.get(LIST)
    api_client.get(detail(referral))

    assert (
        AuditEvent.objects.filter(
            object_id=str(referral.public_id), action="view", actor=requester
        ).count()
        == 2
    )


def test_the_list_runs_a_constant_number_of_queries(
    api_client, coordinator, django_assert_max_num_queries
):
    ReferralFactory.create_batch(3)
    api_client.force_authenticate(coordinator)
    with django_assert_max_num_queries(12) as small:
        api_client.get(LIST)
    ReferralFactory.create_batch(30)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api_client.get(LIST).json()["count"] == 33


def test_a_specialist_lists_what_they_hold_and_what_is_offered_to_them_newest_first(
    api_client, specialist, django_assert_max_num_queries
):
    now = timezone.now()
    held = [
        ReferralFactory(
            status="accepted", specialist=specialist, submitted_at=now - timedelta(days=d)
        )
        for d in (1, 3, 5)
    ]
    offered = ReferralFactory(
        status="triaged", offered_to=specialist, submitted_at=now - timedelta(days=2)
    )
    ReferralFactory(status="triaged", submitted_at=now)  # offered to no one
    api_client.force_authenticate(specialist)

    first = api_client.get(LIST, {"page_size": 2}).json()
    with django_assert_max_num_queries(12):
        ids = [r["id"] for r in api_client.get(LIST).json()["results"]]

    assert first["count"] == 4
    assert ids == [str(r.public_id) for r in (held[0], offered, held[1], held[2])]
    assert api_client.get(LIST, {"status": "triaged"}).json()["count"] == 1


def test_messages_and_attachments_by_api(api_client, requester):
    referral = ReferralFactory(requester=requester)
    api_client.force_authenticate(requester)

    posted = api_client.post(
        detail(referral) + "messages/", {"body": "Résultats joints."}, format="json"
    )
    uploaded = api_client.post(
        detail(referral) + "attachments/", {"files": [pdf_upload("bio.pdf")]}, format="multipart"
    )
    thread = api_client.get(detail(referral) + "messages/").json()
    listed = api_client.get(detail(referral) + "attachments/").json()

    assert (posted.status_code, uploaded.status_code) == (201, 201)
    assert thread[0]["body"] == "Résultats joints."
    assert listed[0]["original_name"] == "bio.pdf"
    assert Attachment.objects.get().uploaded_by == requester


def test_a_disguised_upload_by_api_is_a_400(api_client, requester):
    from django.core.files.uploadedfile import SimpleUploadedFile

    referral = ReferralFactory(requester=requester)
    api_client.force_authenticate(requester)
    exe = SimpleUploadedFile("cr.pdf", b"MZ" + b"\x00" * 100)

    response = api_client.post(
        detail(referral) + "attachments/", {"files": [exe]}, format="multipart"
    )

    assert response.status_code == 400
    assert "programme Windows" in str(response.json())
    assert not Attachment.objects.exists()


def test_the_schema_documents_the_referral_endpoints(client, db):
    schema = client.get("/api/schema/").content.decode()

    for path in (
        "/api/v1/referrals/",
        "/api/v1/referrals/{id}/triage/",
        "/api/v1/referrals/{id}/request-info/",
        "/api/v1/referrals/{id}/attachments/",
    ):
        assert path in schema
    assert "Idempotency-Key" in schema


def test_a_specialist_declining_by_api_gets_the_state_without_patient_data(api_client, specialist):
    from referrals import services

    referral = ReferralFactory(triaged=True)
    services.referral_accept(referral_id=referral.pk, by=specialist)
    api_client.force_authenticate(specialist)

    response = api_client.post(detail(referral) + "decline/", {"reason": "Absent."}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(referral.public_id),
        "reference": referral.reference,
        "status": "triaged",
    }
    referral.refresh_from_db()
    assert (referral.status, referral.specialist) == ("triaged", None)


def test_a_specialist_declining_on_the_web_is_sent_back_to_the_inbox(client_for, specialist):
    from django.urls import reverse

    referral = ReferralFactory(triaged=True)

    response = client_for(specialist).post(
        reverse("referrals:decline", args=[referral.public_id]), {"reason": "Absent."}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("referrals:inbox")
    assert "Demande refusée : elle retourne à la coordination." in response.text


def test_a_retry_that_loses_the_race_answers_with_the_winners_referral(requester, cardiology):
    """The same key sent twice at once: the second transaction finds the key taken only when it
    records it; its own referral is undone and the first one is the answer."""
    from datetime import date

    from django.db import transaction

    from referrals.models import IdempotencyKey
    from referrals.services import PatientInput, ReferralInput, intake

    data = ReferralInput(
        patient=PatientInput(birth_name="X", first_names="Y", sex="F", birth_date=date(1970, 1, 1)),
        specialty=cardiology,
        question="Avis ?",
        urgency="P3",
        consent=True,
    )
    winner = ReferralFactory(requester=requester)
    mine = []

    def create():  # meanwhile, the concurrent retry committed its key
        IdempotencyKey.objects.create(
            user=requester, key="cle-123", fingerprint=intake._fingerprint(data), referral=winner
        )
        mine.append(ReferralFactory(requester=requester))
        return mine[0]

    with transaction.atomic():
        answer = intake.referral_created_once(by=requester, key="cle-123", data=data, create=create)

    assert answer == (winner, False)
    assert not Referral.objects.filter(pk=mine[0].pk).exists()


def test_field_messages_follow_the_callers_language(api_client, requester, api_body):
    api_client.force_authenticate(requester)
    patient = {k: v for k, v in api_body["patient"].items() if k != "ins"}
    body = {**api_body, "consent": False, "patient": patient}

    response = api_client.post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    errors = response.json()
    assert errors["consent"] == ["The patient's consent to sharing is required."]
    assert errors["patient"]["birth_place_code"] == [
        "Without an INS, the place of birth is required to identify the patient."
    ]


def test_a_triage_naming_an_unknown_specialist_says_so(api_client, coordinator, specialist):
    referral = ReferralFactory(specialty=specialist.specialty)
    api_client.force_authenticate(coordinator)

    response = api_client.post(
        f"/api/v1/referrals/{referral.public_id}/triage/",
        {"priority": "P3", "response_mode": "teleexpertise_async", "specialist": 5},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "specialist": ["Spécialiste inconnu : aucun compte actif n'a l'identifiant « 5 »."]
    }
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_an_unknown_status_filter_is_refused_with_the_valid_values(api_client, requester):
    ReferralFactory(requester=requester)
    api_client.force_authenticate(requester)

    response = api_client.get(LIST, {"status": "foo"})

    assert response.status_code == 400
    (message,) = response.json()["status"]
    assert message.startswith("Statut inconnu : « foo ». Valeurs possibles : submitted, ")
    assert "unconfirmed" not in message
    assert api_client.get(LIST, {"status": "submitted"}).json()["count"] == 1
