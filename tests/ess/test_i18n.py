from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.factories import ReferralFactory, UserFactory


def test_pages_are_in_french_by_default(client_for, requester):
    response = client_for(requester).get("/")

    assert '<html lang="fr">' in response.text
    assert "Espace demandeur" in response.text


def test_english_is_available(client_for, requester):
    client = client_for(requester)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/")

    assert '<html lang="en">' in response.text
    assert "Requester area" in response.text


def in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_each_language_is_offered_in_its_own_name(db, client):
    page = client.get("/").text

    assert '<option value="en" lang="en">English</option>' in page
    assert '<option value="fr" lang="fr" selected>Français</option>' in page


def test_english_pages_keep_no_french_label(client_for, requester):
    client = in_english(client_for(requester))

    tokens = client.get(reverse("api_tokens")).text
    preferences = client.get(reverse("notification_preferences")).text

    assert '<th scope="col">Name</th>' in tokens
    assert "Urgent matters (P1, due times) are always sent." in preferences


def test_the_referral_page_in_english_says_when_the_answer_is_due_in_english(client_for, requester):
    referral = ReferralFactory(requester=requester)

    page = in_english(client_for(requester)).get(
        reverse("referrals:detail", args=[referral.public_id])
    )

    assert "· due: " in page.text
    assert "provisional identity" in page.text
    assert " à " not in page.text.split("<main", 1)[1]


def test_a_label_s_colon_follows_each_language_s_typography(client_for, requester):
    referral = ReferralFactory(
        requester=requester,
        status="scheduled",
        specialist=UserFactory(specialist=True),
        appointment_at=timezone.now() + timedelta(days=3),
        appointment_location="Cabinet des Carmes",
    )
    url = reverse("referrals:detail", args=[referral.public_id])

    french = client_for(requester).get(url).text
    english = in_english(client_for(requester)).get(url).text

    assert "<strong>Rendez-vous\u00a0:</strong>" in french
    assert "<strong>Appointment:</strong>" in english
