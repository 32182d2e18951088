"""The new-referral form asks little and forgives ordinary input: communes and birth places by
name or postcode, a country for those born abroad, a known patient filled in from the INS, one
"médecin traitant" field, files kept across a refused attempt, a clear "what happens next"."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from ess.models import AuditEvent
from referrals import services
from referrals.models import Attachment, PendingAttachment, Referral
from referrals.patient_fields import gp_label
from tests.factories import PatientFactory, ReferralFactory, UserFactory, valid_nir, valid_rpps
from tests.referrals.conftest import NIR, pdf_upload

URL = reverse("referrals:create")
PREFILL = reverse("referrals:patient_prefill")

pytestmark = pytest.mark.usefixtures("territory")


def post(client, form_data, **changes):
    return client.post(URL, {**form_data, **changes})


def errors_of(response):
    return {k: " ".join(v) for k, v in response.context["form"].errors.items()}


# Communes and birth places ---------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["Orléans", "orleans", "45000", "45234 — Orléans (45000)"])
def test_the_commune_of_residence_is_accepted_by_name_or_postcode(
    client_for, requester, form_data, typed
):
    response = post(client_for(requester), form_data, commune=typed)

    assert response.status_code == 302, errors_of(response)
    assert Referral.objects.get().patient.commune_id == "45234"


def test_a_postcode_shared_by_several_communes_asks_which_one(client_for, requester, form_data):
    response = post(client_for(requester), form_data, commune="45130")

    assert response.status_code == 200
    message = errors_of(response)["commune"]
    assert "communes répondent à « 45130 »" in message
    assert "Meung-sur-Loire (45130, Loiret)" in message
    assert Referral.objects.count() == 0


def test_an_unknown_commune_is_refused_by_name(client_for, requester, form_data):
    response = post(client_for(requester), form_data, commune="Nulle-Part")

    assert errors_of(response)["commune"].startswith("Commune inconnue : « Nulle-Part »")


@pytest.mark.parametrize("typed", ["Orléans", "45000", "45234"])
def test_without_ins_the_birth_commune_is_typed_by_name_or_postcode(
    client_for, requester, form_data, typed
):
    response = post(client_for(requester), form_data, ins="", birth_place_code=typed)

    assert response.status_code == 302, errors_of(response)
    assert Referral.objects.get().patient.birth_place_code == "45234"


@pytest.mark.parametrize("typed", ["Espagne", "espagne", "Espagne (99134)", "99134"])
def test_a_patient_born_abroad_has_the_country_picked_by_name(
    client_for, requester, form_data, typed
):
    response = post(
        client_for(requester),
        form_data,
        ins="",
        born_abroad="on",
        birth_country=typed,
        birth_place_code="text left in the commune field",
    )

    assert response.status_code == 302, errors_of(response)
    assert Referral.objects.get().patient.birth_place_code == "99134"


def test_born_abroad_needs_a_known_country(client_for, requester, form_data):
    client = client_for(requester)

    unknown = post(client, form_data, ins="", born_abroad="on", birth_country="Atlantide")
    missing = post(client, form_data, ins="", born_abroad="on", birth_country="")

    assert errors_of(unknown)["birth_country"].startswith("Pays inconnu : « Atlantide »")
    assert errors_of(missing)["birth_country"] == "Indiquez le pays de naissance."
    assert Referral.objects.count() == 0


def test_the_country_list_is_offered_with_the_form(client_for, requester, cardiology):
    text = unescape(client_for(requester).get(URL).text)

    assert '<option value="Espagne (99134)">' in text
    assert "Né(e) à l'étranger" in text


# A known patient filled in from the INS --------------------------------------------------------
def test_a_patient_already_referred_by_this_requester_is_filled_in_from_the_ins(
    client_for, requester
):
    patient = PatientFactory(
        ins=NIR,
        birth_name="DURAND",
        first_names="JEANNE MARIE",
        birth_date=date(1969, 5, 12),
        phone="+33261912123",
    )
    ReferralFactory(requester=requester, patient=patient)

    response = client_for(requester).post(PREFILL, {"ins": NIR}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'id="patient-fields"' in response.text
    assert 'value="DURAND"' in response.text
    assert 'value="JEANNE MARIE"' in response.text
    assert 'value="1969-05-12"' in response.text
    assert 'value="45234 — Orléans (45000)"' in response.text
    assert 'value="02 61 91 21 23"' in response.text  # as the referral page writes it
    assert "Patient déjà adressé par vous" in unescape(response.text)
    event = AuditEvent.objects.get(object_type="referrals.patient")
    assert (event.actor, event.action, event.object_id) == (
        requester,
        "view",
        str(patient.public_id),
    )


@pytest.mark.parametrize("ins", [NIR, valid_nir("1520745234005"), "123", ""])
def test_another_requesters_patient_or_an_unknown_ins_reveals_nothing(
    client_for, requester, other_requester, ins
):
    patient = PatientFactory(ins=NIR, birth_name="DURAND")
    ReferralFactory(requester=other_requester, patient=patient)

    response = client_for(requester).post(PREFILL, {"ins": ins}, HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response.content == b""
    assert not AuditEvent.objects.filter(object_type="referrals.patient").exists()


def test_the_prefill_is_for_requesters_and_never_by_get(client_for, requester, coordinator):
    PatientFactory(ins=NIR)

    assert client_for(requester).get(PREFILL, {"ins": NIR}).status_code == 405
    assert client_for(coordinator).post(PREFILL, {"ins": NIR}).status_code == 403


# One "médecin traitant" field ------------------------------------------------------------------
def test_the_gp_named_without_the_switch_is_only_the_patients_gp(client_for, requester, form_data):
    post(client_for(requester), form_data, gp_name="Dr Martin")

    referral = Referral.objects.get()
    assert referral.patient.gp_name == "Dr Martin"
    assert (referral.referring_gp, referral.referring_gp_name) == (None, "")


def test_on_behalf_of_an_unregistered_gp_keeps_the_name(client_for, requester, form_data):
    post(client_for(requester), form_data, gp_name="Dr Martin", on_behalf="on")

    referral = Referral.objects.get()
    assert (referral.referring_gp, referral.referring_gp_name) == (None, "Dr Martin")


def test_on_behalf_of_a_registered_gp_typed_by_name_links_them(client_for, requester, form_data):
    gp = UserFactory(requester=True, first_name="Gilles", last_name="Riou")

    post(client_for(requester), form_data, gp_name="dr gilles riou", on_behalf="on")

    referral = Referral.objects.get()
    assert referral.referring_gp == gp
    assert referral.patient.gp_name == referral.referring_gp_name == "Dr Gilles Riou"


def test_a_registered_gp_picked_without_the_switch_is_named_without_the_rpps(
    client_for, requester, form_data
):
    gp = UserFactory(
        requester=True, first_name="Gilles", last_name="Riou", rpps=valid_rpps("1000123456")
    )
    assert gp_label(gp) == f"Dr Gilles Riou (RPPS {gp.rpps})"

    post(client_for(requester), form_data, gp_name=gp_label(gp))

    referral = Referral.objects.get()
    assert referral.patient.gp_name == "Dr Gilles Riou"
    assert referral.referring_gp is None


def test_on_behalf_needs_the_gps_name(client_for, requester, form_data):
    response = post(client_for(requester), form_data, gp_name="", on_behalf="on")

    assert errors_of(response)["gp_name"] == (
        "Indiquez le médecin traitant pour le compte duquel vous écrivez."
    )


def test_phone_fields_open_the_phone_keypad(client_for, requester, cardiology):
    text = client_for(requester).get(URL).text

    assert 'type="tel" name="phone"' in text
    assert 'inputmode="tel"' in text


# Files kept across a refused attempt -----------------------------------------------------------
def test_a_file_sent_with_a_refused_form_is_attached_when_the_form_is_corrected(
    client_for, requester, form_data
):
    client = client_for(requester)
    refused = post(client, form_data, consent="", files=[pdf_upload("ecg.pdf")])

    assert refused.status_code == 200
    kept = PendingAttachment.objects.get()
    assert (kept.user, kept.original_name) == (requester, "ecg.pdf")
    text = unescape(refused.text)
    assert "Votre pièce jointe est conservée : inutile de la joindre à nouveau." in text
    assert f'name="kept_files" value="{kept.public_id}"' in text
    assert "ecg.pdf (" in text

    sent = post(client, form_data, kept_files=[str(kept.public_id)])

    assert sent.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.referral, attachment.original_name) == (Referral.objects.get(), "ecg.pdf")
    assert attachment.file.read().startswith(b"%PDF")
    assert not PendingAttachment.objects.exists()


def test_an_unticked_kept_file_is_not_attached(client_for, requester, form_data):
    client = client_for(requester)
    post(client, form_data, consent="", files=[pdf_upload()])

    post(client, form_data)

    assert Referral.objects.count() == 1
    assert not Attachment.objects.exists()


def test_someone_elses_kept_file_cannot_be_claimed(
    client_for, requester, other_requester, form_data
):
    post(client_for(other_requester), form_data, consent="", files=[pdf_upload()])
    theirs = PendingAttachment.objects.get()

    response = post(client_for(requester), form_data, kept_files=[str(theirs.public_id), "x"])

    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert PendingAttachment.objects.get() == theirs


def test_expired_kept_files_are_purged_with_their_file(
    client_for, requester, form_data, django_capture_on_commit_callbacks
):
    post(client_for(requester), form_data, consent="", files=[pdf_upload()])
    kept = PendingAttachment.objects.get()
    storage, name = kept.file.storage, kept.file.name
    PendingAttachment.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.pending_attachments_purge() == 1

    assert not PendingAttachment.objects.exists()
    assert not storage.exists(name)


# What happens next -----------------------------------------------------------------------------
def test_after_sending_the_referral_page_says_what_happens_next(client_for, requester, form_data):
    client = client_for(requester)
    response = post(client, form_data, urgency="P2")

    page = unescape(client.get(response.url).text)

    assert "Et maintenant ?" in page
    assert "La coordination de l'ESS lit votre demande" in page
    assert "Réponse attendue au plus tard le" in page
    assert "(Rapide : dans les 48 heures)" in page
    assert "par un courriel à chaque fois" in page
    # Cancelling stays possible, out of the way.
    assert page.index("Autres actions") < page.index("Annuler la demande")
    assert "btn-outline-danger" not in page


def test_the_expected_date_follows_the_priority_asked(client_for, requester):
    now = timezone.now()
    referral = ReferralFactory(requester=requester, urgency_requested="P1", submitted_at=now)

    page = unescape(
        client_for(requester).get(reverse("referrals:detail", args=[referral.public_id])).text
    )

    expected = timezone.localtime(now + timedelta(hours=24))
    assert f"{expected:%d/%m/%Y} à {expected:%H:%M}" in page
    assert "(Urgent : réponse attendue dans les 24 heures)" in page


def test_the_ess_team_sees_no_next_steps_panel(client_for, coordinator):
    referral = ReferralFactory()

    page = client_for(coordinator).get(reverse("referrals:detail", args=[referral.public_id]))

    assert "Et maintenant ?" not in unescape(page.text)
