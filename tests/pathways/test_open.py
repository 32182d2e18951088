"""Opening a pathway from its form: the same form sent again opens nothing more, and day zero
must be a plausible date."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ess.models import Notification, NotificationKind
from pathways.models import Pathway, PathwayTask

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def _form_data(client, url: str, **fields) -> dict:
    """What the browser sends: the form as shown (its hidden key included), filled in."""
    page = _html(client.get(url))
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page).group(1)
    return {"submission_key": key, "started_on": timezone.localdate().isoformat(), **fields}


def test_the_open_form_sent_again_shows_the_pathway_it_opened(scene, client_for):
    client = client_for(scene.cardiologist)
    url = reverse("pathways:open", args=[scene.referral.public_id])
    data = _form_data(
        client, url, title="Suivi IPA IC", protocol=scene.protocol.pk, delegate=scene.ipa.pk
    )

    first = client.post(url, data)
    again = client.post(url, data)  # Back and send again, or a double click

    pathway = Pathway.objects.get()
    assert (
        first["Location"]
        == again["Location"]
        == reverse("pathways:detail", args=[pathway.public_id])
    )
    assert PathwayTask.objects.count() == 4
    told_ipa = Notification.objects.filter(recipient=scene.ipa, kind=NotificationKind.PATHWAY_TASK)
    told_gp = Notification.objects.filter(recipient=scene.gp, kind=NotificationKind.PATHWAY)
    assert told_ipa.count() == 1 and told_gp.count() == 1

    # A new visit to the form draws a new key: a second pathway is a choice, and it opens.
    client.post(url, _form_data(client, url, title="Autre suivi"))
    assert Pathway.objects.count() == 2


def test_the_coordinations_open_form_sent_again_opens_one_pathway(scene, client_for, coordinator):
    client = client_for(coordinator)
    url = reverse("pathways:create")
    data = _form_data(client, url, reference=scene.referral.reference, title="Suivi")

    client.post(url, data)
    client.post(url, data)

    assert Pathway.objects.count() == 1


def test_another_persons_key_opens_nothing(scene, client_for, coordinator):
    url = reverse("pathways:open", args=[scene.referral.public_id])
    data = _form_data(client_for(scene.cardiologist), url, title="Suivi")
    client_for(scene.cardiologist).post(url, data)

    response = client_for(coordinator).post(url, data)

    assert "Ce formulaire a déjà servi" in _html(response)
    assert Pathway.objects.count() == 1


@pytest.mark.parametrize(
    ("days", "opens"), [(-184, False), (-183, True), (0, True), (366, True), (367, False)]
)
def test_day_zero_is_at_most_six_months_back_and_a_year_ahead(scene, client_for, days, opens):
    client = client_for(scene.cardiologist)
    url = reverse("pathways:open", args=[scene.referral.public_id])
    day_zero = timezone.localdate() + timedelta(days=days)
    data = _form_data(
        client,
        url,
        title="Suivi IPA IC",
        protocol=scene.protocol.pk,
        delegate=scene.ipa.pk,
        started_on=day_zero.isoformat(),
    )

    response = client.post(url, data)

    assert Pathway.objects.exists() is opens
    if not opens:
        earliest = timezone.localdate() - timedelta(days=183)
        latest = timezone.localdate() + timedelta(days=366)
        assert response.status_code == 200
        assert (
            f"Le début du parcours (J0) doit se situer entre le {earliest:%d/%m/%Y} et le "
            f"{latest:%d/%m/%Y}"
        ) in _html(response)
        assert not PathwayTask.objects.exists()
