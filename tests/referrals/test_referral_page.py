"""What the ESS side finds on a referral's page: the answer before the refusal, which waits
under "Autres actions"; appointment panels only when the patient is to be seen; the answer
marked as required."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import services
from tests.factories import PatientFactory, ReferralFactory, SlotFactory


def _held(specialist, **fields):
    referral = ReferralFactory(triaged=True, offered_to_pool=False, offered_to=specialist, **fields)
    services.referral_accept(referral_id=referral.pk, by=specialist)
    return referral


def _page(client, referral) -> str:
    return client.get(reverse("referrals:detail", args=[referral.public_id])).text


def test_the_answer_comes_before_the_refusal_which_is_among_the_other_actions(
    client_for, specialist
):
    page = _page(client_for(specialist), _held(specialist))

    answer = page.index('id="answer-form-title"')
    others = page.index(">Autres actions</h2>")
    refuse = page.index(">Refuser</button>")
    assert answer < others < refuse
    assert "<summary" in page[others:refuse]  # folded until asked for


def test_an_offered_case_shows_take_it_first_and_refuse_among_the_other_actions(
    client_for, specialist
):
    referral = ReferralFactory(triaged=True, offered_to_pool=False, offered_to=specialist)

    page = _page(client_for(specialist), referral)

    assert page.index(">Prendre en charge") < page.index(">Autres actions</h2>")
    assert page.index(">Autres actions</h2>") < page.index(">Refuser</button>")


def test_the_answer_field_is_marked_required(client_for, specialist):
    page = _page(client_for(specialist), _held(specialist))

    textarea = page[page.index('<textarea name="answer"') :]
    textarea = textarea[: textarea.index(">")]
    assert " required" in textarea
    assert 'aria-required="true"' in textarea
    assert '<label class="form-label required" for="id_answer">' in page


def test_an_empty_answer_is_refused_with_a_clear_message(client_for, specialist):
    referral = _held(specialist)

    response = client_for(specialist).post(
        reverse("referrals:complete", args=[referral.public_id]), {"answer": "  "}, follow=True
    )

    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert "Rédigez la réponse" in response.text


def test_an_asynchronous_opinion_has_no_appointment_panel(client_for, specialist, coordinator):
    SlotFactory(specialist=specialist)
    referral = ReferralFactory(triaged=True, offered_to_pool=True)  # télé-expertise asynchrone
    held = _held(specialist)

    coordinator_page = _page(client_for(coordinator), referral)
    specialist_page = _page(client_for(specialist), held)

    assert "Prochains créneaux libres" not in coordinator_page
    assert "Consultations avancées avec des places" not in coordinator_page
    assert 'id="schedule-title"' not in specialist_page
    # Should the specialist find a consultation is needed after all, it is one fold away.
    assert "Fixer un rendez-vous de consultation</summary>" in specialist_page


@pytest.mark.parametrize("mode", ["urgent_consultation", "teleconsultation"])
def test_a_consultation_shows_its_appointment_panels(client_for, specialist, coordinator, mode):
    SlotFactory(specialist=specialist)
    offered = ReferralFactory(triaged=True, offered_to_pool=True, response_mode=mode)
    held = _held(specialist, response_mode=mode)

    assert "Prochains créneaux libres" in _page(client_for(coordinator), offered)
    assert 'id="schedule-title">Fixer le rendez-vous' in _page(client_for(specialist), held)


def test_an_opinion_that_calls_for_a_consultation_gets_its_appointment_panel(
    client_for, specialist
):
    referral = _held(specialist)
    services.referral_complete(
        referral_id=referral.pk, by=specialist, answer="À voir.", consultation_needed=True
    )

    page = _page(client_for(specialist), referral)

    assert 'id="schedule-title">Fixer le rendez-vous' in page


def test_a_case_not_yet_triaged_shows_slots_unless_only_an_opinion_is_asked(
    client_for, coordinator, specialist
):
    SlotFactory(specialist=specialist, starts_at=timezone.now() + timedelta(days=2))
    consultation = ReferralFactory(preferred_response="consultation")
    opinion = ReferralFactory(preferred_response="opinion")
    client = client_for(coordinator)

    assert "Prochains créneaux libres" in _page(client, consultation)
    assert "Prochains créneaux libres" not in _page(client, opinion)


def test_the_patient_is_said_born_in_the_grammar_of_their_sex(client_for, requester):
    her = ReferralFactory(requester=requester, patient=PatientFactory(sex="F"))
    him = ReferralFactory(requester=requester, patient=PatientFactory(sex="M"))
    client = client_for(requester)

    hers = client.get(reverse("referrals:detail", args=[her.public_id])).text
    his = client.get(reverse("referrals:detail", args=[him.public_id])).text

    assert "Féminin, née le" in hers and "né(e)" not in hers
    assert "Masculin, né le" in his


@pytest.mark.parametrize(
    ("channel", "phrase"),
    [
        ("api", "reçue par l'API"),
        ("platform", "reçue d'une plateforme de télé-expertise"),
        ("phone", "reçue par téléphone"),
    ],
)
def test_the_header_says_how_the_request_came_in_a_sentence(client_for, requester, channel, phrase):
    referral = ReferralFactory(requester=requester, channel=channel)

    page = _page(client_for(requester), referral)

    assert phrase in page.replace("&#x27;", "'")


def test_a_request_from_the_web_form_does_not_say_how_it_came(client_for, requester):
    page = _page(client_for(requester), ReferralFactory(requester=requester, channel="web"))

    assert "reçue par" not in page and "reçue d'une" not in page
