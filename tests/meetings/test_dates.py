"""A meeting's date and time: offered in local time (Europe/Paris) wherever it is chosen, and
planned only for a time to come."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import CaseMeeting
from tests.factories import cardiology

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 12, 5, 10, 0, tzinfo=UTC))
def test_the_meeting_choice_gives_the_paris_time(scene, client_for):
    # 11:30 UTC in winter is 12:30 in Paris.
    scene.meeting(title="RCP de janvier", starts_at=datetime(2026, 12, 17, 11, 30, tzinfo=UTC))
    client = client_for(scene.organiser)

    for case in (f"referral={scene.referral.public_id}", f"pathway={scene.pathway.public_id}"):
        page = client.get(reverse("meetings:case_add_from") + "?" + case).text

        assert "RCP de janvier — 17/12/2026 12:30" in page
        assert "11:30" not in page


def test_a_meeting_is_not_planned_in_the_past(client_for, specialist):
    client = client_for(specialist)
    form = {
        "title": "RCP valvulopathies",
        "specialty": cardiology().pk,
        "starts_at": "2020-01-01T10:00",
        "duration_minutes": "60",
    }

    response = client.post(reverse("meetings:create"), form)

    assert response.status_code == 200
    assert "Cette date est passée : une télé-RCP se programme" in response.text
    assert not CaseMeeting.objects.exists()


def test_a_meeting_that_has_begun_keeps_its_time_corrected(scene, client_for):
    meeting = scene.meeting(starts_at=timezone.now() - timedelta(hours=2))
    earlier = timezone.localtime(meeting.starts_at) - timedelta(minutes=30)

    response = client_for(scene.organiser).post(
        reverse("meetings:edit", args=[meeting.public_id]),
        {
            "title": meeting.title,
            "specialty": cardiology().pk,
            "starts_at": earlier.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
        },
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == earlier.replace(second=0, microsecond=0)
