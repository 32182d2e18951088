"""The public pages of trainings: the list (upcoming published trainings, places left, the
campaigns under way, filters) in a constant number of queries, a training's page (hidden while
a draft or cancelled), the calendar feed, and the ways in (menu, front page)."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from ess.models import Specialty
from tests.factories import (
    CampaignFactory,
    PartnerFactory,
    RegistrationFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("events:list")


def text(response) -> str:
    return html.unescape(response.content.decode())


def detail(training) -> str:
    return reverse("events:detail", args=[training.public_id])


def test_anyone_sees_the_upcoming_published_trainings_with_their_places(client):
    soon = TrainingFactory(
        title="Soirée insuffisance cardiaque",
        starts_at=timezone.make_aware(timezone.datetime(2031, 3, 12, 19, 30)),
        ends_at=timezone.make_aware(timezone.datetime(2031, 3, 12, 21, 30)),
        capacity=3,
        target_professions=["medecin", "infirmier"],
    )
    RegistrationFactory(training=soon)
    RegistrationFactory(training=soon, pending=True)  # holds no place
    full = TrainingFactory(title="Webinaire anticoagulants", kind="webinar", place="", capacity=1)
    RegistrationFactory(training=full)
    TrainingFactory(title="Brouillon en préparation", draft=True)
    TrainingFactory(title="Soirée annulée", cancelled=True)
    TrainingFactory(
        title="Soirée passée",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )

    body = text(client.get(LIST))

    assert "Soirée insuffisance cardiaque" in body
    assert "Mercredi 12 mars 2031, de 19:30 à 21:30" in body
    assert "Médecin, Infirmier·e (IDE)" in body
    assert "2 places restantes" in body
    assert "Webinaire anticoagulants" in body
    assert "Webinaire" in body
    assert "en visioconférence" in body
    assert "Complet — liste d'attente" in body
    for hidden in ("Brouillon en préparation", "Soirée annulée", "Soirée passée"):
        assert hidden not in body
    assert reverse("events:ical") in body


def test_the_list_filters_by_specialty_and_format(client):
    dermatology, _ = Specialty.objects.get_or_create(
        code="dermatologie", defaults={"label": "Dermatologie"}
    )
    TrainingFactory(title="Soirée cardio")
    TrainingFactory(title="Webinaire dermato", specialty=dermatology, kind="webinar")

    by_specialty = text(client.get(LIST, {"specialite": dermatology.pk}))
    by_format = text(client.get(LIST, {"format": "evening"}))
    nonsense = text(client.get(LIST, {"specialite": "abc", "format": "nope"}))

    assert "Webinaire dermato" in by_specialty and "Soirée cardio" not in by_specialty
    assert "Soirée cardio" in by_format and "Webinaire dermato" not in by_format
    assert "Soirée cardio" in nonsense and "Webinaire dermato" in nonsense


def test_the_list_shows_the_public_campaigns_under_way(client):
    today = timezone.localdate()
    CampaignFactory(title="Mois du dépistage de l'hypertension", theme="Hypertension")
    CampaignFactory(title="Campagne interne", is_public=False)
    CampaignFactory(
        title="Campagne terminée",
        starts_on=today - timedelta(days=90),
        ends_on=today - timedelta(days=1),
    )
    CampaignFactory(
        title="Campagne à venir",
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=40),
    )

    body = text(client.get(LIST))

    assert "Campagnes en cours" in body
    assert "Mois du dépistage de l'hypertension" in body
    assert "Hypertension" in body
    for hidden in ("Campagne interne", "Campagne terminée", "Campagne à venir"):
        assert hidden not in body


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    TrainingFactory()
    CampaignFactory()
    few = _list_queries(client)
    for n in range(6):
        training = TrainingFactory(target_professions=["medecin"], capacity=2)
        RegistrationFactory.create_batch(n % 3, training=training)
        CampaignFactory()

    with django_assert_max_num_queries(few):
        client.get(LIST)


def test_a_trainings_page_shows_its_programme_speakers_and_partners(client):
    speaker = UserFactory(specialist=True, first_name="Anne", last_name="Lefort")
    partner = PartnerFactory(name="CPTS du Giennois")
    training = TrainingFactory(programme="20 h : cas cliniques commentés.")
    training.speakers.add(speaker)
    training.partners.add(partner)

    body = text(client.get(detail(training)))

    assert "20 h : cas cliniques commentés." in body
    assert "Dr Anne Lefort" in body
    assert "CPTS du Giennois" in body
    assert training.place in body
    assert "2 h" in body


def test_a_full_training_announces_the_waiting_list_before_the_form(client):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)

    body = text(client.get(detail(training)))

    assert "Complet : inscription sur liste d'attente" in body
    assert body.index("Complet : inscription sur liste d'attente") < body.index('name="email"')


def test_a_signed_in_user_gets_a_one_click_button_and_then_their_registration(client_for):
    gp = UserFactory(requester=True)
    training = TrainingFactory()
    client = client_for(gp)

    before = text(client.get(detail(training)))
    client.post(reverse("events:register", args=[training.public_id]))
    after = text(client.get(detail(training)))

    assert "M'inscrire" in before and 'name="email"' not in before
    assert "Votre inscription : Inscrit·e." in after
    assert "Voir mon inscription" in after


@pytest.mark.parametrize("trait", ["draft", "cancelled"])
def test_drafts_and_cancelled_trainings_are_not_found_by_the_public(client_for, client, trait):
    training = TrainingFactory(**{trait: True})

    assert client.get(detail(training)).status_code == 404
    assert client_for(UserFactory(requester=True)).get(detail(training)).status_code == 404


@pytest.mark.parametrize("persona", ["manager", "coordinator"])
def test_those_who_run_events_see_a_draft(client_for, persona, request):
    training = TrainingFactory(draft=True, title="Soirée en préparation")

    response = client_for(request.getfixturevalue(persona)).get(detail(training))

    assert response.status_code == 200
    assert "Brouillon" in text(response)
    assert "Les inscriptions à cette formation sont closes." in text(response)


def test_the_calendar_feed_carries_the_published_trainings(client):
    TrainingFactory(title="Soirée BPCO", place="Salle des fêtes, Gien")
    TrainingFactory(title="Brouillon caché", draft=True)

    response = client.get(reverse("events:ical"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Soirée BPCO"]
    assert str(events[0]["location"]) == "Salle des fêtes, Gien"


def test_the_menu_and_the_front_page_lead_to_the_trainings(client, client_for, requester):
    front = text(client.get("/"))
    assert f'href="{LIST}"' in front

    home = text(client_for(requester).get("/"))
    assert f'href="{LIST}"' in home
    assert "Formations" in home
