"""The télé-RCP pages: the list, a meeting's page (the patient named only to those who may see
the case, each read audited, 404 for anyone outside the meeting), its forms and buttons, and the
link from a referral's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ess.models import AuditEvent
from meetings import services
from meetings.models import CaseMeeting, MeetingCase
from referrals.models import ReferralEvent
from tests.factories import MembershipFactory, ReferralFactory, cardiology

pytestmark = pytest.mark.django_db


def detail(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.public_id])


# --- The list -------------------------------------------------------------------------------
def test_the_list_shows_upcoming_and_past_meetings(scene, client_for):
    coming = scene.meeting()
    past = scene.meeting(title="RCP du mois dernier", starts_at=timezone.now() - timedelta(days=30))

    response = client_for(scene.organiser).get(reverse("meetings:list"))

    assert response.status_code == 200
    upcoming, older = response.text.split("Passées ou annulées")
    assert coming.title in upcoming
    assert past.title in older
    assert "Programmer une télé-RCP" in response.text


def test_the_list_shows_only_the_meetings_one_takes_part_in(scene, client_for, other_specialist):
    scene.meeting(title="RCP confidentielle")

    response = client_for(other_specialist).get(reverse("meetings:list"))

    assert response.status_code == 200
    assert "RCP confidentielle" not in response.text


@pytest.mark.parametrize("persona", ["requester", "authority"])
def test_the_list_is_for_the_ess_staff(persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(reverse("meetings:list"))

    assert response.status_code == 403


def test_the_list_costs_the_same_whatever_the_number_of_meetings(
    scene, client_for, coordinator, django_assert_max_num_queries
):
    client = client_for(coordinator)
    scene.held_meeting_with_cases()
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("meetings:list"))
    for n in range(6):
        meeting, *_ = scene.held_meeting_with_cases()
        services.meeting_participant_add(
            meeting_id=meeting.pk, by=scene.organiser, user=MembershipFactory(active=True).user
        )
        scene.meeting(title=f"RCP à venir {n}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("meetings:list"))

    assert all(f"RCP à venir {n}" in response.text for n in range(6))


def test_the_menu_offers_the_meetings_to_the_staff(scene, client_for, requester):
    staff_page = client_for(scene.organiser).get("/").text
    requester_page = client_for(requester).get("/").text

    assert 'href="/rcp/"' in staff_page
    assert 'href="/rcp/"' not in requester_page


# --- A meeting's page -----------------------------------------------------------------------
def test_the_organiser_sees_the_agenda_with_the_patients_named(scene, client_for):
    meeting, _on_referral, _on_pathway = scene.held_meeting_with_cases()

    response = client_for(scene.organiser).get(detail(meeting))

    assert response.status_code == 200
    assert scene.referral.patient.display_name in response.text
    assert scene.pathway.patient.display_name in response.text
    assert "Faut-il introduire un ARNI ?" in response.text
    assert "Marquer la télé-RCP tenue" in response.text
    assert "Annuler la télé-RCP" in response.text
    audited = set(
        AuditEvent.objects.filter(actor=scene.organiser).values_list("object_type", flat=True)
    )
    assert audited == {"meetings.casemeeting", "referrals.referral", "pathways.pathway"}


def test_a_participant_who_does_not_follow_the_patient_does_not_see_their_name(
    scene, client_for, paramedic
):
    meeting, *_ = scene.held_meeting_with_cases()
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=paramedic)

    response = client_for(paramedic).get(detail(meeting))

    assert response.status_code == 200
    assert "Faut-il introduire un ARNI ?" in response.text
    assert scene.referral.reference in response.text
    assert scene.referral.patient.birth_name not in response.text
    assert scene.pathway.patient.birth_name not in response.text
    assert "identité du patient réservée" in response.text
    # Participant, not organiser: no workflow button, no decision form.
    assert "Marquer la télé-RCP tenue" not in response.text
    assert "Enregistrer la décision" not in response.text
    assert not AuditEvent.objects.filter(actor=paramedic, object_type="referrals.referral")


@pytest.mark.parametrize("persona", ["other_specialist", "requester", "manager", "authority"])
def test_someone_outside_the_meeting_gets_404(scene, persona, request, client_for):
    meeting, *_ = scene.held_meeting_with_cases()
    user = request.getfixturevalue(persona)
    client = client_for(user)

    for path in (detail(meeting), reverse("meetings:minutes_pdf", args=[meeting.public_id])):
        response = client.get(path)
        assert response.status_code == 404
        assert scene.referral.patient.birth_name not in response.text
    assert AuditEvent.objects.filter(actor=user, outcome="refused").count() == 2


def test_a_coordinator_sees_every_meeting(scene, client_for, coordinator):
    meeting = scene.meeting()

    assert client_for(coordinator).get(detail(meeting)).status_code == 200


# --- Forms and buttons ----------------------------------------------------------------------
def test_a_specialist_plans_a_meeting_from_the_form(client_for, specialist):
    response = client_for(specialist).post(
        reverse("meetings:create"),
        {
            "title": "RCP valvulopathies",
            "specialty": cardiology().pk,
            "starts_at": "2031-03-04T18:00",
            "duration_minutes": "90",
            "video_url": "https://visio.exemple.fr/valves",
        },
    )

    meeting = CaseMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(meeting)
    assert meeting.duration_minutes == 90


def test_the_form_says_what_is_missing(client_for, specialist):
    response = client_for(specialist).post(
        reverse("meetings:create"),
        {"title": "RCP", "starts_at": "2031-03-04T18:00", "duration_minutes": "60"},
    )

    assert response.status_code == 200
    assert "Choisissez une spécialité ou indiquez un thème." in response.text
    assert not CaseMeeting.objects.exists()


def test_a_referral_goes_on_the_agenda_from_its_page(scene, client_for):
    meeting = scene.meeting()
    client = client_for(scene.organiser)

    referral_page = client.get(reverse("referrals:detail", args=[scene.referral.public_id]))
    link = reverse("meetings:case_add_from") + f"?referral={scene.referral.public_id}"
    assert link in referral_page.text
    form = client.get(link)
    response = client.post(link, {"meeting": meeting.pk, "question": "ARNI ou IEC ?"})

    assert scene.referral.patient.display_name in form.text
    assert response.status_code == 302
    case = MeetingCase.objects.get()
    assert (case.meeting, case.referral, case.question) == (
        meeting,
        scene.referral,
        "ARNI ou IEC ?",
    )
    # The referral's page now names the meeting.
    again = client.get(reverse("referrals:detail", args=[scene.referral.public_id]))
    assert meeting.title in again.text


def test_a_case_one_may_not_see_cannot_be_reached_from_a_link(scene, client_for, other_specialist):
    scene.meeting()
    link = reverse("meetings:case_add_from") + f"?referral={scene.referral.public_id}"

    assert client_for(other_specialist).get(link).status_code == 404


def test_a_referral_goes_on_the_agenda_by_its_reference(scene, client_for):
    meeting = scene.meeting()
    client = client_for(scene.organiser)
    url = reverse("meetings:case_add", args=[meeting.public_id])

    unknown = client.post(url, {"reference": "ESS-2020-000001", "question": "Avis ?"})
    known = client.post(url, {"reference": scene.referral.reference.lower(), "question": "Avis ?"})

    assert "Aucune demande que vous pouvez consulter ne porte cette référence." in unknown.text
    assert known.status_code == 302
    assert meeting.cases.get().referral == scene.referral


def test_a_partners_contact_is_invited_from_the_page(scene, client_for):
    from tests.factories import ContactFactory

    meeting = scene.meeting()
    contact = ContactFactory()

    response = client_for(scene.organiser).post(
        reverse("meetings:participant_add", args=[meeting.public_id]), {"contact": contact.pk}
    )

    assert response.status_code == 302
    assert meeting.participants.filter(contact=contact).exists()


def test_the_decision_is_recorded_from_the_page_and_lands_in_the_referral(scene, client_for):
    meeting, on_referral, _ = scene.held_meeting_with_cases()
    client = client_for(scene.organiser)
    url = reverse("meetings:case_decide", args=[meeting.public_id, on_referral.public_id])

    page = client.get(url)
    response = client.post(url, {"decision": "Introduire un ARNI."})

    assert page.status_code == 200
    assert response.status_code == 302
    assert ReferralEvent.objects.get(kind="rcp_decision").note.endswith("Introduire un ARNI.")
    referral_page = client_for(scene.gp).get(
        reverse("referrals:detail", args=[scene.referral.public_id])
    )
    assert "Décision de télé-RCP" in referral_page.text
    assert "Introduire un ARNI." in referral_page.text


def test_hold_attendance_and_cancel_buttons(scene, client_for, paramedic):
    meeting = scene.meeting(starts_at=timezone.now() - timedelta(minutes=10))
    guest = services.meeting_participant_add(
        meeting_id=meeting.pk, by=scene.organiser, user=paramedic
    )
    client = client_for(scene.organiser)

    client.post(reverse("meetings:attendance", args=[meeting.public_id]), {"present": [guest.pk]})
    client.post(reverse("meetings:hold", args=[meeting.public_id]))
    cancel = client.post(
        reverse("meetings:cancel", args=[meeting.public_id]), {"reason": "Erreur"}, follow=True
    )

    meeting.refresh_from_db()
    guest.refresh_from_db()
    assert guest.attended is True
    assert meeting.status == "held"
    assert "est « Tenue » ; son annulation n&#x27;est plus possible." in cancel.text


def test_a_participant_cannot_post_the_organisers_actions(scene, client_for, paramedic):
    meeting = scene.meeting(starts_at=timezone.now() - timedelta(minutes=10))
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=paramedic)

    response = client_for(paramedic).post(reverse("meetings:hold", args=[meeting.public_id]))

    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_a_stranger_cannot_reach_a_case_decision_page(scene, client_for, other_specialist):
    meeting, on_referral, _ = scene.held_meeting_with_cases()
    url = reverse("meetings:case_decide", args=[meeting.public_id, on_referral.public_id])

    assert client_for(other_specialist).post(url, {"decision": "Non"}).status_code == 404
    on_referral.refresh_from_db()
    assert on_referral.decided_at is None


def test_the_referral_page_offers_no_meeting_link_to_its_requester(scene, client_for):
    response = client_for(scene.gp).get(
        reverse("referrals:detail", args=[scene.referral.public_id])
    )

    assert "Inscrire en télé-RCP" not in response.text


def test_a_stranger_referral_is_never_shown_on_the_list(client_for, coordinator):
    # A referral without a meeting is not a meeting: the list shows meetings only.
    ReferralFactory()
    assert client_for(coordinator).get(reverse("meetings:list")).status_code == 200


def test_a_pathways_page_shows_its_meetings_and_the_link(scene, rf):
    from pathways.hooks import pathway_page_sections
    from pathways.models import Pathway

    meeting, *_ = scene.held_meeting_with_cases()
    request = rf.get("/parcours/")
    request.user = scene.organiser

    html = "".join(
        section
        for _receiver, section in pathway_page_sections.send(
            Pathway, request=request, pathway=scene.pathway
        )
    )

    assert meeting.title in html
    assert f"/rcp/dossiers/ajouter/?pathway={scene.pathway.public_id}" in html


def test_a_pathway_goes_on_the_agenda_from_its_link(scene, client_for):
    meeting = scene.meeting()
    link = reverse("meetings:case_add_from") + f"?pathway={scene.pathway.public_id}"

    response = client_for(scene.organiser).post(
        link, {"meeting": meeting.pk, "question": "Titration ?"}
    )

    assert response.status_code == 302
    assert meeting.cases.get().pathway == scene.pathway


def test_the_pathways_page_shows_the_decision_and_the_meeting(scene, client_for):
    meeting, _, on_pathway = scene.held_meeting_with_cases()
    services.meeting_case_decide(
        case_id=on_pathway.pk, by=scene.organiser, decision="Poursuivre la titration."
    )

    response = client_for(scene.gp).get(reverse("pathways:detail", args=[scene.pathway.public_id]))

    assert response.status_code == 200
    assert "Poursuivre la titration." in response.text  # in the pathway's timeline
    # The GP takes no part in the meeting: no link to it, no link to put the case on one.
    assert detail(meeting) not in response.text
    assert "Inscrire en télé-RCP" not in response.text
    organiser_view = (
        client_for(scene.organiser)
        .get(reverse("pathways:detail", args=[scene.pathway.public_id]))
        .text
    )
    assert detail(meeting) in organiser_view
    assert "Inscrire en télé-RCP" in organiser_view
