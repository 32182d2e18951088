"""A case's decision: written into its own timeline (the pathway's notes, the referral's
history the requester reads) and told to its GP, in the same transaction; refused on a
cancelled meeting; the same decision sent twice recorded once."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ess.errors import Conflict
from ess.models import Notification
from meetings import services
from meetings.models import MeetingCase
from pathways.models import PathwayNote
from referrals.models import ReferralEvent
from referrals.selectors import referral_timeline

pytestmark = pytest.mark.django_db

DECISION = "Introduire sacubitril-valsartan, contrôle de la kaliémie à J7."


def test_the_decision_lands_in_the_referrals_timeline_and_the_gp_is_told(scene):
    _meeting, on_referral, _ = scene.held_meeting_with_cases()

    services.meeting_case_decide(case_id=on_referral.pk, by=scene.organiser, decision=DECISION)

    on_referral.refresh_from_db()
    assert on_referral.decision == DECISION
    assert on_referral.decided_by == scene.organiser
    event = ReferralEvent.objects.get(referral=scene.referral, kind="rcp_decision")
    assert DECISION in event.note
    assert "RCP insuffisance cardiaque" in event.note
    # The requester reads it in the history of the referral.
    assert event in referral_timeline(scene.gp, scene.referral)
    told = Notification.objects.get(recipient=scene.gp, kind="case_meeting")
    assert told.title == f"Décision de télé-RCP : {scene.referral.reference}"
    assert told.url == reverse("referrals:detail", args=[scene.referral.public_id])


def test_the_decision_lands_in_the_pathways_timeline_and_its_gp_is_told(scene):
    _meeting, _, on_pathway = scene.held_meeting_with_cases()

    services.meeting_case_decide(case_id=on_pathway.pk, by=scene.organiser, decision=DECISION)

    note = PathwayNote.objects.get(pathway=scene.pathway)
    assert note.kind == "rcp_decision"
    assert DECISION in note.text
    assert note.author == scene.organiser
    told = Notification.objects.get(recipient=scene.gp, kind="case_meeting")
    assert told.title == "Décision de télé-RCP sur un parcours de soins"
    assert told.url == reverse("pathways:detail", args=[scene.pathway.public_id])
    # No patient data in what the bell (and its email) says.
    assert scene.pathway.patient.birth_name not in told.title + told.detail


def test_a_decision_on_a_cancelled_meeting_is_refused(scene):
    meeting, on_referral, _ = scene.held_meeting_with_cases()
    case = MeetingCase.objects.get(pk=on_referral.pk)
    services.meeting_cancel(meeting_id=meeting.pk, by=scene.organiser, reason="Reportée")

    with pytest.raises(Conflict) as refused:
        services.meeting_case_decide(case_id=case.pk, by=scene.organiser, decision=DECISION)

    assert "annulée" in str(refused.value)
    case.refresh_from_db()
    assert case.decided_at is None
    assert not ReferralEvent.objects.filter(kind="rcp_decision").exists()
    assert not Notification.objects.filter(kind="case_meeting", recipient=scene.gp).exists()


def test_the_same_decision_sent_twice_is_recorded_once(scene):
    _meeting, on_referral, on_pathway = scene.held_meeting_with_cases()

    for _ in range(2):
        services.meeting_case_decide(case_id=on_referral.pk, by=scene.organiser, decision=DECISION)
        services.meeting_case_decide(case_id=on_pathway.pk, by=scene.organiser, decision=DECISION)

    assert ReferralEvent.objects.filter(kind="rcp_decision").count() == 1
    assert PathwayNote.objects.count() == 1
    assert Notification.objects.filter(recipient=scene.gp, kind="case_meeting").count() == 2


def test_another_decision_after_the_first_is_refused(scene):
    _meeting, on_referral, _ = scene.held_meeting_with_cases()
    services.meeting_case_decide(case_id=on_referral.pk, by=scene.organiser, decision=DECISION)

    with pytest.raises(Conflict):
        services.meeting_case_decide(case_id=on_referral.pk, by=scene.organiser, decision="Autre")

    on_referral.refresh_from_db()
    assert on_referral.decision == DECISION


def test_an_empty_decision_is_refused(scene):
    _meeting, on_referral, _ = scene.held_meeting_with_cases()

    with pytest.raises(Exception) as refused:
        services.meeting_case_decide(case_id=on_referral.pk, by=scene.organiser, decision="  ")

    assert "Écrivez la décision de la RCP." in str(refused.value)
    assert not ReferralEvent.objects.filter(kind="rcp_decision").exists()


def test_only_the_organiser_or_a_coordinator_records_a_decision(scene, paramedic, coordinator):
    meeting, on_referral, on_pathway = scene.held_meeting_with_cases()
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=paramedic)

    with pytest.raises(PermissionDenied):
        services.meeting_case_decide(case_id=on_referral.pk, by=paramedic, decision=DECISION)
    services.meeting_case_decide(case_id=on_pathway.pk, by=coordinator, decision=DECISION)

    assert PathwayNote.objects.get().author == coordinator


def test_a_decided_case_shows_its_decision_instead_of_the_form(scene, client_for):
    meeting, on_referral, on_pathway = scene.held_meeting_with_cases()
    client = client_for(scene.organiser)
    url = reverse("meetings:case_decide", args=[meeting.public_id, on_referral.public_id])
    client.post(url, {"decision": DECISION})

    page = client.get(url).text  # Back, or the link opened again

    assert DECISION in page
    assert scene.organiser.display_name in page
    assert 'name="decision"' not in page and "Enregistrer" not in page
    # Sent again with another text: refused with its reason, the first decision kept.
    again = client.post(url, {"decision": "Autre chose."}).text
    assert "La décision de ce dossier est déjà enregistrée." in again
    assert 'name="decision"' not in again
    on_referral.refresh_from_db()
    assert on_referral.decision == DECISION
    # A case still to decide offers the form.
    other = reverse("meetings:case_decide", args=[meeting.public_id, on_pathway.public_id])
    assert 'name="decision"' in client.get(other).text


@pytest.mark.parametrize("persona", ["organiser", "coordinator", "paramedic", "gp"])
def test_who_may_decide_a_case(scene, persona, request):
    from meetings.permissions import can_decide_case

    _meeting, on_referral, _ = scene.held_meeting_with_cases()
    user = getattr(scene, persona, None) or request.getfixturevalue(persona)
    may = persona in ("organiser", "coordinator")

    assert can_decide_case(user, on_referral) is may
    services.meeting_case_decide(case_id=on_referral.pk, by=scene.organiser, decision=DECISION)
    on_referral.refresh_from_db()
    assert can_decide_case(user, on_referral) is False
