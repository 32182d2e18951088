from datetime import timedelta

import pytest
from django.utils import timezone

from ess.models import NotificationKind
from ess.notifications import notification_mark_read
from projet_sante.indicators.periods import previous_quarter
from projet_sante.newsletter.models import Newsletter
from projet_sante.project.models import ProjectVersion
from referrals.notifications import referral_notify
from tests.factories import ConventionFactory, MembershipFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_costs_the_same(client_for, django_assert_max_num_queries):
    """`check(user, grow)`: the home's queries once, then after `grow()` added data, no more.
    Returns the second page."""

    def check(user, grow) -> str:
        client = client_for(user)
        client.get("/")  # session and caches warmed
        with django_assert_max_num_queries(30) as few:
            client.get("/")
        grow()
        with django_assert_max_num_queries(len(few.captured_queries)):
            return client.get("/").text

    return check


def _home(client_for, user) -> str:
    response = client_for(user).get("/")
    assert response.status_code == 200
    return response.text


# ---------------------------------------------------------------------------------------------
# Requester
# ---------------------------------------------------------------------------------------------
def _answered(referral) -> None:
    referral.status = "completed"
    referral.specialist = UserFactory(specialist=True)
    referral.save(update_fields=["status", "specialist"])
    referral_notify(referral, NotificationKind.REFERRAL_COMPLETED)


def test_requester_starts_from_a_new_request_and_what_waits_for_them(
    client_for, requester, other_requester
):
    asked = ReferralFactory(requester=requester, status="info_requested")
    ReferralFactory(requester=requester)  # with the ESS: nothing to do
    answered = ReferralFactory(requester=requester)
    _answered(answered)
    # Someone else's: never counted here.
    ReferralFactory(requester=other_requester, status="info_requested")
    _answered(ReferralFactory(requester=other_requester))

    page = _home(client_for, requester)

    assert 'href="/demandes/nouvelle/">Nouvelle demande' in page
    assert 'href="/avis-immediat/">Avis immédiat' in page
    assert "À compléter (1)" in page
    assert f'href="/demandes/{asked.public_id}/">{asked.reference}' in page
    assert "Réponses non lues (1)" in page
    assert f"Réponse disponible : {answered.reference}" in page


def test_an_answer_read_leaves_the_unread_count(client_for, requester):
    referral = ReferralFactory(requester=requester)
    _answered(referral)
    # An opinion first, then the final answer: one referral to read.
    referral_notify(referral, NotificationKind.REFERRAL_ANSWERED)
    assert "Réponses non lues (1)" in _home(client_for, requester)

    for notification in requester.notifications.all():
        notification_mark_read(user=requester, public_id=notification.public_id)

    page = _home(client_for, requester)
    assert "Réponses non lues (0)" in page
    assert "Aucune réponse en attente de lecture." in page


def test_requester_home_shows_no_patient(client_for, requester):
    referral = ReferralFactory(requester=requester, status="info_requested")

    page = _home(client_for, requester)

    assert referral.patient.birth_name not in page
    assert referral.question not in page


def test_requester_home_costs_the_same_queries_with_more_referrals(requester, home_costs_the_same):
    def grow():
        ReferralFactory(requester=requester, status="info_requested")
        _answered(ReferralFactory(requester=requester))

    grow()
    page = home_costs_the_same(requester, lambda: [grow() for _i in range(8)])

    assert "À compléter (9)" in page and "Réponses non lues (9)" in page


# ---------------------------------------------------------------------------------------------
# Coordinator
# ---------------------------------------------------------------------------------------------
def test_coordinator_lands_on_the_queue_summary(client_for, coordinator):
    now = timezone.now()
    ReferralFactory()  # new
    ReferralFactory(status="info_requested")
    ReferralFactory(
        triaged=True, priority="P1", submitted_at=now - timedelta(days=2), due_at=now - timedelta(1)
    )

    page = _home(client_for, coordinator)

    assert "Espace coordination" in page
    assert 'href="/regulation/?vue=en_retard"' in page
    assert (
        '<span class="home-count-value">1</span> <span class="home-count-label">En retard' in page
    )
    assert (
        '<span class="home-count-value">1</span> <span class="home-count-label">Nouvelles' in page
    )
    assert 'href="/regulation/?vue=toutes&amp;priorite=P1"' in page
    assert 'href="/regulation/">Ouvrir la régulation' in page


def test_coordinator_summary_costs_the_same_queries_with_a_longer_queue(
    coordinator, home_costs_the_same
):
    ReferralFactory()

    def grow():
        for _i in range(10):
            ReferralFactory(triaged=True)
            ReferralFactory(status="info_requested")

    assert "Espace coordination" in home_costs_the_same(coordinator, grow)


# ---------------------------------------------------------------------------------------------
# Specialist
# ---------------------------------------------------------------------------------------------
def test_specialist_lands_on_their_inbox(client_for, specialist, other_specialist):
    to_me = ReferralFactory(triaged=True, offered_to_pool=False, offered_to=specialist)
    to_all = ReferralFactory(triaged=True)
    to_other = ReferralFactory(triaged=True, offered_to_pool=False, offered_to=other_specialist)
    held = ReferralFactory(
        triaged=True, offered_to_pool=False, status="accepted", specialist=specialist
    )

    page = _home(client_for, specialist)

    assert "Proposées (2)" in page and "dont 1 à vous nommément" in page
    assert to_me.reference in page and to_all.reference in page
    assert to_other.reference not in page
    assert "à vous" in page and "à la spécialité" in page
    assert "Mes dossiers en cours (1)" in page and held.reference in page
    assert 'href="/mes-dossiers/">Ouvrir mes dossiers' in page
    assert to_me.patient.birth_name not in page


def test_specialist_home_costs_the_same_queries_with_more_cases(specialist, home_costs_the_same):
    ReferralFactory(triaged=True)

    def grow():
        for _i in range(8):
            ReferralFactory(triaged=True)
            ReferralFactory(triaged=True, offered_to_pool=False, offered_to=specialist)

    assert "Proposées (17)" in home_costs_the_same(specialist, grow)


# ---------------------------------------------------------------------------------------------
# Manager
# ---------------------------------------------------------------------------------------------
def _manager_world(n: int = 1) -> None:
    today = timezone.localdate()
    for i in range(n):
        MembershipFactory()  # applied
        ConventionFactory(active=True, title=f"Accueil MSP {i}", end_on=today + timedelta(30 + i))


def test_manager_sees_the_ess_to_do_across_modules(client_for, manager):
    _manager_world()
    ConventionFactory(
        active=True, title="Convention lointaine", end_on=timezone.localdate() + timedelta(200)
    )
    version = ProjectVersion.objects.create(number=1, status="draft")
    letter = Newsletter.objects.create(year=2026, quarter=2, status="draft")

    page = _home(client_for, manager)

    assert "Espace direction" in page
    assert 'href="/membres/adhesions/?statut=applied">Candidatures à examiner (1)' in page
    assert "Conventions à renouveler dans les 90 jours (1)" in page
    assert "Accueil MSP 0" in page and "Convention lointaine" not in page
    assert (
        f'href="/projet-sante/versions/{version.public_id}/">Projet de santé, version 1 : Brouillon'
        in page
    )
    assert (
        f'href="/lettre/gestion/{letter.public_id}/">Lettre d&#x27;information du 2e trimestre 2026'
        in page
        or (
            f'href="/lettre/gestion/{letter.public_id}/">Lettre d\'information du 2e trimestre 2026'
            in page
        )
    )


def test_manager_with_nothing_pending_is_told_so(client_for, manager):
    page = _home(client_for, manager)

    assert "Candidatures à examiner (0)" in page
    assert "Projet de santé : aucune version en cours" in page
    assert "Lettre d'information : aucun brouillon" in page


def test_manager_to_do_costs_the_same_queries_with_more_pending(manager, home_costs_the_same):
    _manager_world()

    page = home_costs_the_same(manager, lambda: _manager_world(8))

    assert "Candidatures à examiner (9)" in page


# ---------------------------------------------------------------------------------------------
# Authority
# ---------------------------------------------------------------------------------------------
def test_authority_lands_on_aggregated_indicators(client_for, authority):
    quarter = previous_quarter()
    referral = ReferralFactory(submitted_at=quarter.start + timedelta(days=3))

    page = _home(client_for, authority)

    assert "Espace ARS / CPAM" in page
    assert f"Chiffres clés · {quarter.label}" in page
    assert "Demandes reçues" in page
    assert "&lt; 10" in page  # one request: a small count, masked
    assert referral.reference not in page and referral.patient.birth_name not in page
    assert f'href="/projet-sante/indicateurs/?periode={quarter.key}"' in page


def test_authority_home_shows_representativeness_against_its_target(client_for, authority):
    page = _home(client_for, authority)

    assert "Représentativité" in page
    assert "(objectif 10 %)" in page  # the national framework's target at labelling


# ---------------------------------------------------------------------------------------------
# Several roles, none
# ---------------------------------------------------------------------------------------------
def test_a_specialist_on_the_board_gets_both_panels(client_for):
    user = UserFactory(roles=["specialist", "manager"], specialty=None)

    page = _home(client_for, user)

    assert page.index("Espace spécialiste") < page.index("Espace direction")
    assert page.count("<h1") == 1 and page.count("Bonjour") == 1


def test_someone_without_a_role_is_told_whom_to_ask(client_for):
    page = _home(client_for, UserFactory())

    assert "Aucun rôle ne vous est encore attribué" in page
