import itertools
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.selectors import delay_label
from projet_sante.newsletter.models import Newsletter
from tests.factories import (
    ConsultationPlanFactory,
    ConsultationSiteFactory,
    ConventionFactory,
    MembershipFactory,
    PartnerFactory,
    ReferralFactory,
)
from tests.portal.conftest import sent_letter

pytestmark = pytest.mark.django_db


def _offer(count: int, *, start: int = 0) -> None:
    """An ESS with `count` more of everything the front page lists."""
    for n in range(start, start + count):
        MembershipFactory(active=True)
        ConsultationPlanFactory(site=ConsultationSiteFactory(name=f"Maison de santé n°{n}"))
        ConventionFactory(active=True, parties=[PartnerFactory(name=f"CPTS du Giennois {n}")])
        sent_letter(2010 + n, 1)


def test_visitor_reads_the_offer_and_the_one_primary_action(client, team):
    response = client.get("/")

    assert response.status_code == 200
    page = response.text
    assert "<h1" in page and "ESS Cardiologie du Loiret" in page
    assert "Une équipe de cardiologues libéraux du Loiret" in page
    # One primary action, and it leads to the ways of asking.
    assert page.count("btn-primary") == 1
    primary = 'class="btn btn-primary btn-lg" href="#demander">Demander un avis spécialisé'
    assert primary in page
    assert 'id="demander"' in page
    assert "Cardiologie" in page and "Télé-expertise" in page and "Consultation urgente" in page


def test_visitor_finds_every_way_to_send_a_request(client, team, settings):
    settings.PSC_CLIENT_ID = "ess-cardio45"
    page = client.get("/").text

    assert 'href="/accounts/oidc/psc/login/?next=/demandes/nouvelle/"' in page
    assert 'href="/accounts/login/?next=/demandes/nouvelle/"' in page
    assert 'href="/demandes/sans-compte/"' in page
    assert 'href="/inscription/"' in page
    assert "02 38 00 00 00" in page and 'href="mailto:contact@ess-cardio45.example.org"' in page


def test_pro_sante_connect_is_offered_only_once_the_platform_is_registered(client, team, settings):
    settings.PSC_CLIENT_ID = ""
    page = client.get("/").text

    assert "/accounts/oidc/psc/login/" not in page
    assert "Pro Santé Connect" not in page
    assert 'href="/accounts/login/?next=/demandes/nouvelle/"' in page


def test_response_delays_and_opening_hours_come_from_the_settings_and_the_team(
    client, team, settings
):
    settings.ESS_PRIORITY_DELAYS_HOURS = {"P1": 12, "P2": 48, "P3": 5 * 24, "P4": 30 * 24}

    page = client.get("/").text

    assert "12 heures" in page and "48 heures" in page and "5 jours" in page
    assert "30 jours" in page
    assert "du lundi au vendredi, de 8 h 30 à 18 h 30" in page


def test_delays_read_as_a_professional_says_them():
    assert delay_label(24) == "24 heures"
    assert delay_label(48) == "48 heures"
    assert delay_label(7 * 24) == "7 jours"
    assert delay_label(1) == "1 heure"


def test_territory_members_sites_partners_and_letters_are_the_platform_s_own(client, team):
    MembershipFactory(active=True)
    MembershipFactory(active=True)
    MembershipFactory()  # an application: not a member yet
    ConsultationPlanFactory(site=ConsultationSiteFactory(name="MSP de Pithiviers"))
    ConsultationSiteFactory(name="Ancien site", active=False)
    ConventionFactory(active=True, parties=[PartnerFactory(name="CPTS Sologne Val de Loire")])
    ConventionFactory(parties=[PartnerFactory(name="Clinique en discussion")])  # a draft
    sent_letter(2026, 1)
    Newsletter.objects.create(year=2026, quarter=2, status="draft")

    page = client.get("/").text

    assert "Loiret (45)" in page and re.search(r"\d+ communes", page)
    assert "2 spécialistes membres de l'ESS" in page
    assert "MSP de Pithiviers" in page and "Pithiviers" in page and "mardi 09:00–12:00" in page
    assert "Ancien site" not in page
    assert "CPTS Sologne Val de Loire" in page
    assert "Clinique en discussion" not in page
    assert "Lettre du 1er trimestre 2026" in page
    assert "2e trimestre 2026" not in page
    assert 'href="/lettre/abonnement/"' in page


def test_front_page_names_no_patient_and_no_member(client, team):
    referral = ReferralFactory()
    member = MembershipFactory(active=True, last_name="Vasseur-Témoin")

    page = client.get("/").text

    assert referral.patient.birth_name not in page
    assert referral.reference not in page
    assert member.last_name not in page


def test_front_page_without_a_team_still_answers(client, territory):
    response = client.get("/")

    assert response.status_code == 200
    assert "Demander un avis spécialisé" in response.text


def test_headings_form_one_outline(client, team):
    _offer(1)
    page = client.get("/").text

    levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
    assert levels.count(1) == 1 and levels[0] == 1
    # Never skips a level going down (h2 → h4 would).
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert "<main" in page and "<header" in page and "<footer" in page


def test_front_page_costs_the_same_queries_whatever_the_size_of_the_ess(
    client, team, django_assert_max_num_queries
):
    _offer(1)
    # The opening calendar's 3 queries included: read once, then from the cache.
    with django_assert_max_num_queries(15) as small:
        client.get("/")
    _offer(6, start=1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/")


def test_signed_in_people_land_on_their_home_not_the_front_page(client_for, requester, team):
    page = client_for(requester).get("/").text

    assert "Espace demandeur" in page
    assert "Demander un avis spécialisé" not in page


def test_old_plans_are_not_announced(client, team):
    site = ConsultationSiteFactory(name="MSP de Beaugency")
    ConsultationPlanFactory(
        site=site,
        weekday=3,
        season_start=timezone.localdate() - timedelta(days=200),
        season_end=timezone.localdate() - timedelta(days=100),
    )

    page = client.get("/").text

    assert "MSP de Beaugency" in page
    assert "jeudi" not in page
