"""The letter's "Prochains événements" (published trainings to come, with the link to register)
and the quarter's trainings and campaigns figures: drafted with the letter, in the preview and
in the email each recipient receives."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from projet_sante.newsletter import services
from projet_sante.newsletter.models import Subscriber
from projet_sante.newsletter.selectors import figure_rows
from tests.factories import (
    CampaignActionFactory,
    CampaignFactory,
    RegistrationFactory,
    TrainingFactory,
    UserFactory,
)

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def upcoming(db, time_machine):
    """On 2 July 2026: an evening with 2 places (one taken), a full webinar (its waiting list),
    a draft, a cancelled one and one already past: only the first two are announced."""
    time_machine.move_to(paris(2026, 7, 2, 8), tick=False)
    evening = TrainingFactory(
        title="Soirée insuffisance cardiaque",
        starts_at=paris(2026, 9, 15, 19, 30),
        place="Maison de santé de Gien",
        capacity=2,
    )
    RegistrationFactory(training=evening)
    RegistrationFactory(training=evening, pending=True)  # holds no place
    webinar = TrainingFactory(
        title="Webinaire anticoagulants",
        kind="webinar",
        starts_at=paris(2026, 9, 3, 12, 30),
        place="",
        video_url="https://visio.exemple.fr/aco",
        capacity=1,
    )
    RegistrationFactory(training=webinar)
    TrainingFactory(title="Brouillon de formation", draft=True, starts_at=paris(2026, 9, 1, 19))
    TrainingFactory(
        title="Formation annulée",
        status="cancelled",
        cancel_reason="Salle indisponible.",
        starts_at=paris(2026, 9, 2, 19),
    )
    TrainingFactory(title="Formation passée", starts_at=paris(2026, 7, 1, 19))
    return {"evening": evening, "webinar": webinar}


@pytest.fixture
def quarter_activity(db):
    """Q2 2026: one training held with 3 attendees, one campaign reaching 40 people, 5
    screenings and 2 referrals."""
    training = TrainingFactory(held=True, starts_at=paris(2026, 5, 12, 19), hours=2)
    for _i in range(3):
        RegistrationFactory(training=training, attended=True)
    campaign = CampaignFactory(starts_on=date(2026, 4, 1), ends_on=date(2026, 6, 30))
    CampaignActionFactory(
        campaign=campaign,
        held_on=date(2026, 5, 20),
        people_reached=40,
        screenings_done=5,
        referrals_generated=2,
    )


def test_the_draft_keeps_the_published_trainings_to_come_soonest_first(upcoming):
    letter = services.newsletter_draft(year=2026, quarter=2)

    kept = letter.figures["upcoming_trainings"]
    assert [t["title"] for t in kept] == [
        "Webinaire anticoagulants",
        "Soirée insuffisance cardiaque",
    ]
    assert [t["places_left"] for t in kept] == [0, 1]
    assert kept[1]["public_id"] == str(upcoming["evening"].public_id)


def test_the_draft_counts_the_quarters_trainings_and_campaigns(quarter_activity, settings):
    settings.ESS_SMALL_COUNT_THRESHOLD = 10

    letter = services.newsletter_draft(year=2026, quarter=2)

    assert letter.figures["trainings_held"] == 1
    assert letter.figures["professionals_trained"] == 3
    rows = dict(figure_rows(letter.figures))
    assert rows["Formations tenues"] == "1"
    assert rows["Professionnels formés"] == "3"
    assert rows["Heures de formation dispensées"] == "2,0 h"
    assert rows["Personnes touchées par les campagnes"] == "40"
    # Screenings and referrals describe patients: masked below the threshold.
    assert rows["Dépistages réalisés"] == "< 10"
    assert rows["Orientations issues des campagnes"] == "< 10"


def test_a_quarter_without_trainings_says_nothing_of_them(db):
    letter = services.newsletter_draft(year=2026, quarter=2)

    labels = [label for label, _value in figure_rows(letter.figures)]
    assert "Formations tenues" not in labels
    assert "upcoming" not in str(labels)


def test_refreshing_a_draft_reads_the_trainings_published_since(upcoming, manager):
    letter = services.newsletter_draft(year=2026, quarter=2)
    TrainingFactory(title="Atelier ECG", starts_at=paris(2026, 10, 6, 19))

    services.newsletter_figures_refresh(newsletter_id=letter.pk, by=manager)

    letter.refresh_from_db()
    assert [t["title"] for t in letter.figures["upcoming_trainings"]][-1] == "Atelier ECG"


def test_the_sent_email_announces_the_trainings_with_their_registration_links(
    upcoming, quarter_activity, manager, django_capture_on_commit_callbacks
):
    letter = services.newsletter_draft(year=2026, quarter=2)
    Subscriber.objects.create(email="abonne@exemple.fr", confirmed_at=timezone.now())
    UserFactory(specialist=True, email="cardio@exemple.fr")

    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_send(
            newsletter_id=letter.pk, by=manager, base_url="https://ess.example.org/"
        )

    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    text = message.body
    evening_url = f"https://ess.example.org/evenements/{upcoming['evening'].public_id}/"
    webinar_url = f"https://ess.example.org/evenements/{upcoming['webinar'].public_id}/"
    assert "PROCHAINS ÉVÉNEMENTS" in text
    assert (
        "- Webinaire anticoagulants — jeudi 3 septembre 2026, 12h30 — En ligne "
        "(visioconférence) — Complet : liste d'attente" in text
    )
    assert f"Inscription : {webinar_url}" in text
    assert (
        "- Soirée insuffisance cardiaque — mardi 15 septembre 2026, 19h30 — Maison de santé de "
        "Gien — 1 place restante" in text
    )
    assert f"Inscription : {evening_url}" in text
    assert text.index("Webinaire anticoagulants") < text.index("Soirée insuffisance cardiaque")
    for hidden in ("Brouillon de formation", "Formation annulée", "Formation passée"):
        assert hidden not in text
    assert "- Formations tenues : 1" in text
    assert "- Dépistages réalisés : < 10" in text
    html = message.alternatives[0][0]
    assert "Prochains événements" in html
    assert f'href="{evening_url}"' in html
    assert "mardi 15 septembre 2026, 19h30" in html


def test_a_training_started_since_the_draft_is_no_longer_announced(upcoming, time_machine):
    letter = services.newsletter_draft(year=2026, quarter=2)
    time_machine.move_to(paris(2026, 9, 10, 8), tick=False)

    rendered = services.newsletter_render(
        newsletter=letter, email="a@exemple.fr", audience="member", base_url="https://e.org/"
    )

    assert "Webinaire anticoagulants" not in rendered.body_text
    assert "Soirée insuffisance cardiaque" in rendered.body_text


def test_the_preview_and_the_online_letter_show_the_upcoming_trainings(
    upcoming, client_for, manager
):
    letter = services.newsletter_draft(year=2026, quarter=2)
    client = client_for(manager)

    preview = client.get(reverse("projet_sante:newsletter_preview", args=[letter.public_id]))
    online = client.get(reverse("projet_sante:newsletter_detail", args=[letter.public_id]))

    for response in (preview, online):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Prochains événements" in html
        assert f"http://testserver/evenements/{upcoming['evening'].public_id}/" in html
        assert 'aria-label="S\'inscrire à « Soirée insuffisance cardiaque »"' in html


def test_the_registration_link_leads_to_the_trainings_page(upcoming, client):
    response = client.get(f"/evenements/{upcoming['evening'].public_id}/")

    assert response.status_code == 200
    assert "Soirée insuffisance cardiaque" in response.content.decode()
