"""A requester submits a referral from the web form: valid, invalid, repeated."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ess.models import AuditEvent
from referrals.models import Attachment, Patient, PendingAttachment, Referral, ReferralEvent
from referrals.patient_fields import gp_label
from tests.referrals.conftest import NIR, PDF_BYTES, pdf_upload, png_bytes

URL = reverse("referrals:create")


def nothing_written():
    return (
        Referral.objects.count(),
        Patient.objects.count(),
        Attachment.objects.count(),
        ReferralEvent.objects.count(),
    ) == (0, 0, 0, 0)


def test_the_form_page_opens_for_a_requester(client_for, requester, cardiology):
    response = client_for(requester).get(URL)

    assert response.status_code == 200
    assert "Nouvelle demande à l'ESS" in response.text
    assert 'name="submission_key"' in response.text


def test_a_valid_referral_is_recorded_with_its_patient_attachment_and_reference(
    client_for, requester, form_data
):
    response = client_for(requester).post(URL, {**form_data, "files": [pdf_upload()]})

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.public_id])
    assert re.fullmatch(r"ESS-\d{4}-\d{6}", referral.reference)
    assert referral.status == "submitted"
    assert referral.requester == requester
    assert referral.requester_organisation == requester.organisation
    assert referral.urgency_requested == "P2"
    assert referral.patient.ins == NIR
    assert referral.patient.birth_name == "DURAND"
    assert referral.patient.commune_id == "45234"
    assert referral.patient.identity_status == "provisoire"
    attachment = referral.attachments.get()
    assert (attachment.original_name, attachment.content_type) == ("ecg.pdf", "application/pdf")
    assert attachment.file.read() == PDF_BYTES
    assert "/static/" not in attachment.file.path and "referrals/" in attachment.file.name
    assert list(referral.events.values_list("to_status", flat=True)) == ["submitted"]


def test_references_follow_each_other_and_are_never_reused(client_for, requester, form_data):
    client = client_for(requester)
    client.post(URL, form_data)
    client.post(URL, {**form_data, "submission_key": "b" * 32})
    first, second = Referral.objects.order_by("pk")
    second.delete()
    client.post(URL, {**form_data, "submission_key": "c" * 32})

    third = Referral.objects.order_by("pk").last()
    numbers = [int(r.split("-")[-1]) for r in (first.reference, third.reference)]
    assert numbers[1] == numbers[0] + 2


def test_a_double_submission_creates_one_referral(client_for, requester, form_data):
    client = client_for(requester)

    client.post(URL, form_data)
    again = client.post(URL, form_data, follow=True)

    assert Referral.objects.count() == 1
    assert "n'a pas été envoyée deux fois" in unescape(again.text)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ins": NIR[:-2] + "00"}, "ins", "La clé du NIR/INS est incorrecte"),
        ({"ins": "12345"}, "ins", "Le NIR/INS doit comporter 15 caractères"),
        ({"consent": ""}, "consent", "Le consentement du patient au partage est requis."),
        ({"commune": "Nulle-Part-sur-Loire"}, "commune", "Commune inconnue"),
        (
            {"ins": "", "birth_place_code": ""},
            "birth_place_code",
            "Sans INS, le lieu de naissance est obligatoire",
        ),
        ({"birth_place_code": "ZZ999"}, "birth_place_code", "Code INSEE de lieu de naissance"),
        ({"question": ""}, "question", "Ce champ est obligatoire."),
    ],
)
def test_invalid_input_gets_a_precise_message_and_writes_nothing(
    client_for, requester, form_data, change, field, message
):
    response = client_for(requester).post(URL, {**form_data, **change})

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "La demande n'a pas été envoyée" in unescape(response.text)
    assert nothing_written()


def test_what_was_typed_is_kept_when_validation_fails(client_for, requester, form_data):
    response = client_for(requester).post(URL, {**form_data, "consent": ""})

    assert 'value="Durand"' in response.text
    assert "Palpitations à l&#x27;effort depuis 3 semaines" in response.text
    assert 'value="45234 — Orléans (45000)"' in response.text


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("ordonnance.pdf", b"MZ\x90\x00" + b"\x00" * 200), "programme Windows"),
        (SimpleUploadedFile("photo.pdf", png_bytes()), "ne correspond pas à son extension"),
        (SimpleUploadedFile("faux.pdf", b"%PDF-1.4 pas vraiment un pdf"), "illisible"),
        (SimpleUploadedFile("vide.txt", b""), "est vide"),
    ],
)
def test_disguised_or_broken_files_are_refused_and_nothing_is_written(
    client_for, requester, form_data, upload, message
):
    response = client_for(requester).post(URL, {**form_data, "files": [pdf_upload(), upload]})

    assert response.status_code == 200
    assert message in str(response.context["form"].errors["files"])
    # The good file is kept for the corrected form, the refused one is not.
    assert "inutile de la joindre à nouveau" in unescape(response.text)
    assert [f.original_name for f in PendingAttachment.objects.all()] == ["ecg.pdf"]
    assert nothing_written()


def test_an_oversized_file_is_refused_with_the_limit(client_for, requester, form_data, settings):
    settings.ESS_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("gros.txt", b"a" * 2048)

    response = client_for(requester).post(URL, {**form_data, "files": [big]})

    assert "la limite est de 1,0\xa0Kio par fichier" in str(response.context["form"].errors)
    assert nothing_written()


def test_the_per_referral_total_is_enforced(client_for, requester, form_data, settings):
    settings.ESS_REFERRAL_ATTACHMENTS_MAX_BYTES = len(PDF_BYTES) + 10

    response = client_for(requester).post(
        URL, {**form_data, "files": [pdf_upload("a.pdf"), pdf_upload("b.pdf")]}
    )

    assert "ne peuvent dépasser" in str(response.context["form"].errors)
    assert nothing_written()


def test_jpeg_png_and_text_are_accepted(client_for, requester, form_data):
    files = [
        SimpleUploadedFile("radio.png", png_bytes()),
        SimpleUploadedFile("notes.txt", "Bilan : kaliémie 4,1 mmol/L".encode()),
    ]

    client_for(requester).post(URL, {**form_data, "files": files})

    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "image/png",
        "text/plain",
    ]


def test_the_same_ins_twice_is_the_same_patient(client_for, requester, form_data):
    client = client_for(requester)
    client.post(URL, form_data)
    client.post(URL, {**form_data, "submission_key": "b" * 32})

    assert Referral.objects.count() == 2
    assert Patient.objects.count() == 1


def test_conflicting_traits_for_a_known_ins_are_flagged_not_overwritten(
    client_for, requester, coordinator, form_data
):
    client = client_for(requester)
    client.post(URL, form_data)
    client.post(
        URL,
        {
            **form_data,
            "submission_key": "b" * 32,
            "birth_name": "Dupont",
            "birth_date": "1969-05-13",
        },
    )

    patient = Patient.objects.get()
    second = Referral.objects.order_by("pk").last()
    assert patient.birth_name == "DURAND"
    assert second.identity_conflict["birth_name"] == {"connu": "DURAND", "saisi": "DUPONT"}
    assert second.identity_conflict["birth_date"]["saisi"] == "1969-05-13"
    coordinator_page = client_for(coordinator).get(
        reverse("referrals:detail", args=[second.public_id])
    )
    assert "Identitovigilance" in coordinator_page.text


def test_without_ins_identical_traits_are_the_same_patient(client_for, requester, form_data):
    client = client_for(requester)
    data = {**form_data, "ins": "", "birth_place_code": "45234"}
    client.post(URL, data)
    client.post(URL, {**data, "submission_key": "b" * 32})

    assert Patient.objects.count() == 1


@pytest.mark.parametrize("persona", ["coordinator", "specialist", "authority", "manager"])
def test_only_requesters_submit(client_for, request, persona, form_data):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data).status_code == 403
    assert nothing_written()


def test_the_detail_page_read_is_audited(client_for, requester, form_data):
    client = client_for(requester)
    client.post(URL, form_data)
    referral = Referral.objects.get()
    AuditEvent.objects.all().count()

    client.get(reverse("referrals:detail", args=[referral.public_id]))

    event = AuditEvent.objects.filter(object_type="referrals.referral").latest("at")
    assert (event.actor, event.action, event.object_label) == (
        requester,
        "view",
        referral.reference,
    )


def test_a_cpts_coordinator_submits_for_a_gp_who_then_follows_the_referral(
    client_for, form_data, cardiology
):
    from ess.models import Notification
    from referrals import services
    from tests.factories import OrganisationFactory, UserFactory

    gp = UserFactory(requester=True)
    cpts_coordinator = UserFactory(
        requester=True, profession="coordinateur", organisation=OrganisationFactory(kind="cpts")
    )
    client = client_for(cpts_coordinator)
    assert gp.get_full_name() in client.get(URL).text

    client.post(URL, {**form_data, "gp_name": gp_label(gp), "on_behalf": "on"})

    referral = Referral.objects.get()
    assert (referral.requester, referral.referring_gp) == (cpts_coordinator, gp)
    gp_client = client_for(gp)
    assert gp_client.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 200
    services.referral_request_info(
        referral_id=referral.pk, by=UserFactory(coordinator=True), question="ECG ?"
    )
    assert Notification.objects.filter(recipient=gp, kind="referral_info_requested").exists()
