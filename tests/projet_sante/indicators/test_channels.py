"""How requests reached the ESS (web, API, without account, phone, fax, mail), as an indicator:
computed by the database, shown with the others, in the CSV and the API, masked when small."""

import pytest
from django.urls import reverse

from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.periods import quarter_period
from tests.factories import ReferralFactory, cardiology
from tests.projet_sante.indicators.data import T0

pytestmark = pytest.mark.django_db
Q1 = quarter_period(2026, 1)


@pytest.fixture
def channels(db):
    for channel, count in (("web", 3), ("phone", 2), ("fax", 1), ("web_no_account", 1)):
        for _ in range(count):
            ReferralFactory(submitted_at=T0, specialty=cardiology(), channel=channel)
    # Sent without an account and never confirmed: counted nowhere.
    ReferralFactory(
        submitted_at=T0, specialty=cardiology(), channel="web_no_account", status="unconfirmed"
    )


def csv_for(client) -> str:
    url = reverse("projet_sante:indicators_csv")
    return client.get(url, {"periode": "2026-Q1"}).getvalue().decode()


def test_requests_are_counted_by_channel_and_unconfirmed_ones_are_left_out(channels):
    figures = indicators_compute(Q1)

    assert figures["requests_by_channel"] == {
        "value": {"web": 3, "phone": 2, "fax": 1, "web_no_account": 1},
        "n": 7,
    }
    assert figures["requests_received"]["value"] == 7


def test_the_manager_sees_the_channels_on_the_page_in_the_csv_and_the_api(
    channels, manager, client_for, api_client
):
    page = client_for(manager).get(reverse("projet_sante:indicators"), {"periode": "2026-Q1"})
    html = page.getvalue().decode()
    assert "<title>Demandes par canal de réception</title>" in html
    assert "Téléphone : 2" in html and "Formulaire web sans compte : 1" in html

    csv = (
        client_for(manager)
        .get(reverse("projet_sante:indicators_csv"), {"periode": "2026-Q1"})
        .getvalue()
        .decode()
    )
    assert "requests_by_channel;Demandes par canal de réception;Téléphone;2;;;;" in csv
    assert "requests_by_channel;Demandes par canal de réception;Télécopie;1;;;;" in csv

    api_client.force_authenticate(manager)
    data = api_client.get("/api/v1/indicators/", {"period": "2026-Q1"}).json()
    by_channel = {i["code"]: i for i in data["indicators"]}["requests_by_channel"]
    assert by_channel["value"] == {
        "Formulaire web": 3,
        "Téléphone": 2,
        "Télécopie": 1,
        "Formulaire web sans compte": 1,
    }


def test_small_counts_are_masked_for_the_authority(channels, authority, client_for, api_client):
    csv = (
        client_for(authority)
        .get(reverse("projet_sante:indicators_csv"), {"periode": "2026-Q1"})
        .getvalue()
        .decode()
    )
    assert "Téléphone;2" not in csv
    masked = "requests_by_channel;Demandes par canal de réception;;;;;;;masqué : moins de 10 cas"
    assert masked in csv

    api_client.force_authenticate(authority)
    data = api_client.get("/api/v1/indicators/", {"period": "2026-Q1"}).json()
    by_channel = {i["code"]: i for i in data["indicators"]}["requests_by_channel"]
    assert (by_channel["value"], by_channel["masked"]) == (None, True)


def test_a_count_under_the_threshold_is_masked_alone(channels, authority, client_for, settings):
    settings.ESS_SMALL_COUNT_THRESHOLD = 3
    csv = (
        client_for(authority)
        .get(reverse("projet_sante:indicators_csv"), {"periode": "2026-Q1"})
        .getvalue()
        .decode()
    )

    assert "requests_by_channel;Demandes par canal de réception;Formulaire web;3;;;;;" in csv
    masked = "requests_by_channel;Demandes par canal de réception;Téléphone;;;;;;masqué : moins"
    assert masked in csv


def test_a_lone_small_count_hides_the_next_smallest_so_the_total_does_not_give_it_away(
    authority, client_for, api_client
):
    for channel, count in (("web", 14), ("phone", 11), ("fax", 4)):
        for _ in range(count):
            ReferralFactory(submitted_at=T0, specialty=cardiology(), channel=channel)

    csv = csv_for(client_for(authority))

    assert "requests_by_channel;Demandes par canal de réception;Formulaire web;14;" in csv
    assert "Télécopie;;;;;;masqué : moins de 10 cas" in csv
    assert "Téléphone;;;;;;masqué avec une petite valeur (sinon déductible du total)" in csv
    assert "Téléphone;11" not in csv
    api_client.force_authenticate(authority)
    data = api_client.get("/api/v1/indicators/", {"period": "2026-Q1"}).json()
    by_channel = {i["code"]: i for i in data["indicators"]}["requests_by_channel"]
    assert by_channel["value"] == {"Formulaire web": 14, "Téléphone": None, "Télécopie": None}
