"""The events API (/api/v1/events/): trainings for every signed-in caller (published and held;
drafts and cancelled ones for the management), filtered and paginated, with the places left;
campaigns (the public ones; all for the management); ETP programmes for the ESS's staff who
follow them. A hidden object is a 404; lists cost the same whatever their length."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    CampaignActionFactory,
    CampaignFactory,
    EtpProgrammeFactory,
    EtpSessionFactory,
    RegistrationFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
CAMPAIGNS = "/api/v1/events/campaigns/"
ETP = "/api/v1/events/etp-programmes/"


def as_(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def titles(response) -> set[str]:
    return {row["title"] for row in response.json()["results"]}


# --- Trainings --------------------------------------------------------------------------------
def test_the_api_needs_a_signed_in_caller(api_client):
    TrainingFactory()

    assert api_client.get(EVENTS).status_code in (401, 403)


@pytest.mark.parametrize("persona", ["requester", "specialist", "paramedic", "authority"])
def test_a_caller_lists_published_and_held_trainings_only(persona, request, api_client):
    TrainingFactory(title="Publiée")
    TrainingFactory(title="Tenue", held=True, starts_at=timezone.now() - timedelta(days=3))
    TrainingFactory(title="Brouillon", draft=True)
    TrainingFactory(title="Annulée", cancelled=True)

    response = as_(api_client, request.getfixturevalue(persona)).get(EVENTS)

    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}
    assert titles(response) == {"Publiée", "Tenue"}


@pytest.mark.parametrize("persona", ["manager", "coordinator"])
def test_the_management_lists_every_training(persona, request, api_client):
    TrainingFactory(title="Publiée")
    TrainingFactory(title="Brouillon", draft=True)
    TrainingFactory(title="Annulée", cancelled=True)

    response = as_(api_client, request.getfixturevalue(persona)).get(EVENTS)

    assert titles(response) == {"Publiée", "Brouillon", "Annulée"}


def test_the_list_filters_by_format_specialty_and_dates(api_client, requester):
    soon = timezone.now() + timedelta(days=3)
    later = timezone.now() + timedelta(days=40)
    TrainingFactory(title="Webinaire proche", kind="webinar", starts_at=soon)
    TrainingFactory(title="Soirée lointaine", kind="evening", starts_at=later)
    TrainingFactory(title="Sans spécialité", kind="evening", specialty=None, starts_at=soon)
    client = as_(api_client, requester)

    assert titles(client.get(EVENTS, {"kind": "webinar"})) == {"Webinaire proche"}
    assert titles(client.get(EVENTS, {"specialty": "cardiologie"})) == {
        "Webinaire proche",
        "Soirée lointaine",
    }
    assert titles(client.get(EVENTS, {"from": (later - timedelta(days=1)).date()})) == {
        "Soirée lointaine"
    }
    assert titles(client.get(EVENTS, {"to": (soon + timedelta(days=1)).date()})) == {
        "Webinaire proche",
        "Sans spécialité",
    }


def test_an_unknown_format_is_a_400(api_client, requester):
    response = as_(api_client, requester).get(EVENTS, {"kind": "banquet"})

    assert response.status_code == 400


def test_a_training_tells_its_places_left(api_client, requester):
    training = TrainingFactory(capacity=3)
    RegistrationFactory.create_batch(2, training=training)
    RegistrationFactory(training=training, waitlisted=True)
    RegistrationFactory(training=training, pending=True)

    listed = as_(api_client, requester).get(EVENTS).json()["results"][0]
    read = api_client.get(f"{EVENTS}{training.public_id}/").json()

    assert listed["places_left"] == 1
    assert read["places_left"] == 1
    assert read["id"] == str(training.public_id)
    assert read["allowed_actions"] == []


def test_a_full_training_has_no_place_left(api_client, requester):
    training = TrainingFactory(capacity=1)
    RegistrationFactory.create_batch(2, training=training)  # one more, forced by the office

    read = as_(api_client, requester).get(f"{EVENTS}{training.public_id}/").json()

    assert read["places_left"] == 0


def test_the_management_reads_the_actions_it_may_take(api_client, coordinator):
    draft = TrainingFactory(draft=True)
    coming = TrainingFactory()
    begun = TrainingFactory(starts_at=timezone.now() - timedelta(hours=1))
    client = as_(api_client, coordinator)

    def actions(training):
        return client.get(f"{EVENTS}{training.public_id}/").json()["allowed_actions"]

    assert actions(draft) == ["publish", "cancel"]
    assert actions(coming) == ["cancel"]
    assert actions(begun) == ["hold", "cancel"]


@pytest.mark.parametrize("state", ["draft", "cancelled"])
def test_a_draft_or_cancelled_training_is_a_404_for_a_caller(state, api_client, requester):
    training = TrainingFactory(**{state: True})

    response = as_(api_client, requester).get(f"{EVENTS}{training.public_id}/")

    assert response.status_code == 404


def test_an_unknown_training_is_a_404(api_client, requester):
    response = as_(api_client, requester).get(f"{EVENTS}00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404


def test_the_training_list_costs_the_same_whatever_its_length(
    api_client, requester, django_assert_max_num_queries
):
    client = as_(api_client, requester)
    training = TrainingFactory()
    training.speakers.add(UserFactory(specialist=True))
    with django_assert_max_num_queries(20) as few:
        client.get(EVENTS)
    for _ in range(5):
        more = TrainingFactory()
        more.speakers.add(UserFactory(specialist=True), UserFactory(specialist=True))
        RegistrationFactory(training=more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(EVENTS)
    assert response.json()["count"] == 6


# --- Campaigns --------------------------------------------------------------------------------
def test_a_caller_lists_the_public_campaigns_with_their_totals(api_client, requester):
    campaign = CampaignFactory(title="Dépistage HTA")
    CampaignActionFactory.create_batch(2, campaign=campaign, people_reached=100, screenings_done=40)
    CampaignFactory(title="Campagne interne", is_public=False)

    response = as_(api_client, requester).get(CAMPAIGNS)

    (row,) = response.json()["results"]
    assert row["title"] == "Dépistage HTA"
    assert (row["actions_count"], row["people_reached"], row["screenings_done"]) == (2, 200, 80)


def test_a_campaign_kept_private_is_a_404_for_a_caller_not_for_the_management(
    api_client, requester, manager
):
    campaign = CampaignFactory(is_public=False)
    url = f"{CAMPAIGNS}{campaign.public_id}/"

    assert as_(api_client, requester).get(url).status_code == 404
    assert as_(api_client, manager).get(url).status_code == 200


def test_the_campaign_list_costs_the_same_whatever_its_length(
    api_client, coordinator, django_assert_max_num_queries
):
    client = as_(api_client, coordinator)
    CampaignActionFactory()
    with django_assert_max_num_queries(20) as few:
        client.get(CAMPAIGNS)
    CampaignActionFactory.create_batch(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CAMPAIGNS)


# --- ETP programmes ---------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["manager", "coordinator", "specialist"])
def test_the_staff_list_etp_programmes_with_their_counts(persona, request, api_client):
    programme = EtpProgrammeFactory(title="Vivre avec une insuffisance cardiaque")
    EtpSessionFactory(programme=programme, patients_count=8)
    EtpSessionFactory(programme=programme, patients_count=6)

    response = as_(api_client, request.getfixturevalue(persona)).get(ETP)

    (row,) = response.json()["results"]
    assert (row["sessions_count"], row["patients_total"]) == (2, 14)


@pytest.mark.parametrize("persona", ["requester", "paramedic", "authority"])
def test_others_get_an_empty_etp_list_and_a_404(persona, request, api_client):
    programme = EtpProgrammeFactory()
    client = as_(api_client, request.getfixturevalue(persona))

    assert client.get(ETP).json()["count"] == 0
    assert client.get(f"{ETP}{programme.public_id}/").status_code == 404


def test_a_programme_read_lists_its_sessions_counts_only(api_client, specialist):
    session = EtpSessionFactory(topic="Connaître ses traitements", patients_count=10)

    read = as_(api_client, specialist).get(f"{ETP}{session.programme.public_id}/").json()

    assert read["sessions"] == [
        {
            "id": str(session.public_id),
            "held_on": session.held_on.isoformat(),
            "topic": "Connaître ses traitements",
            "collective": True,
            "patients_count": 10,
        }
    ]


def test_the_etp_list_costs_the_same_whatever_its_length(
    api_client, coordinator, django_assert_max_num_queries
):
    client = as_(api_client, coordinator)
    EtpSessionFactory()
    with django_assert_max_num_queries(20) as few:
        client.get(ETP)
    for _ in range(4):
        EtpSessionFactory.create_batch(2, programme=EtpProgrammeFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(ETP)


def test_the_events_api_is_read_only(api_client, coordinator):
    training = TrainingFactory()
    client = as_(api_client, coordinator)

    assert client.post(EVENTS, {"title": "x"}).status_code == 405
    assert client.delete(f"{EVENTS}{training.public_id}/").status_code == 405
