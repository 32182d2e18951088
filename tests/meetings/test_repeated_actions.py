"""Inviting someone already in a meeting, or putting a case already on its agenda again: the
page says so instead of a success message for nothing done."""

from html import unescape

import pytest
from django.urls import reverse

from ess.models import Notification
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_the_invitation_offers_only_people_not_in_the_meeting_yet(scene, client_for, paramedic):
    meeting = scene.meeting()
    contact = ContactFactory(name="Dr Zoé Invitée")
    client = client_for(scene.organiser)
    url = reverse("meetings:participant_add", args=[meeting.public_id])
    offered = client.get(url).text
    assert paramedic.display_name in offered and "Dr Zoé Invitée" in offered
    assert scene.organiser.display_name not in offered.split('name="user"')[1]

    client.post(url, {"user": paramedic.pk})
    client.post(url, {"contact": contact.pk})
    offered = client.get(url).text.split('name="user"')[1]

    assert paramedic.display_name not in offered and "Dr Zoé Invitée" not in offered


@pytest.mark.parametrize("who", ["organiser", "participant", "contact"])
def test_inviting_someone_already_in_the_meeting_says_so(scene, client_for, paramedic, who):
    meeting = scene.meeting()
    contact = ContactFactory(name="Dr Zoé Invitée")
    client = client_for(scene.organiser)
    url = reverse("meetings:participant_add", args=[meeting.public_id])
    client.post(url, {"user": paramedic.pk}, follow=True)
    client.post(url, {"contact": contact.pk}, follow=True)
    form, name = {
        "organiser": ({"user": scene.organiser.pk}, scene.organiser.display_name),
        "participant": ({"user": paramedic.pk}, paramedic.display_name),
        "contact": ({"contact": contact.pk}, "Dr Zoé Invitée"),
    }[who]

    response = client.post(url, form, follow=True)

    assert f"{name} fait déjà partie des participants de cette télé-RCP." in response.text
    assert "Participant invité." not in response.text
    assert meeting.participants.count() == 3
    assert Notification.objects.filter(recipient=paramedic).count() == 1


def test_a_case_already_on_the_agenda_says_so_with_its_question(scene, client_for):
    meeting = scene.meeting()
    client = client_for(scene.organiser)
    url = reverse("meetings:case_add_from") + f"?referral={scene.referral.public_id}"
    client.post(url, {"meeting": meeting.pk, "question": "ARNI ou IEC ?"}, follow=True)

    retry = client.post(url, {"meeting": meeting.pk, "question": "ARNI ou IEC ?"}, follow=True)
    other = client.post(url, {"meeting": meeting.pk, "question": "Et la kaliémie ?"})

    assert "Dossier inscrit à l'ordre du jour." in unescape(retry.text)
    other = unescape(other.text)
    assert "Ce dossier est déjà à l'ordre du jour de cette télé-RCP" in other
    assert "« ARNI ou IEC ? »" in other
    assert "Dossier inscrit" not in other
    assert list(meeting.cases.values_list("question", flat=True)) == ["ARNI ou IEC ?"]
