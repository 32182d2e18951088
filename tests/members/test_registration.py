"""Self-registration of professionals at /inscription/: the number checked against the national
directory, the address proven by a link, the account opened at once in the ESS's départements,
after the coordination's decision elsewhere."""

import html
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from ess.mfa import second_factor_required
from ess.models import Departement, OutboundEmail, Team
from ess.roles import Role
from ess.workflow import available_actions
from members.models import Registration, RegistrationStatus, User
from members.services.directory_import import SAMPLE_FILE, directory_import
from members.services.registration import registration_accept
from tests.factories import UserFactory, valid_rpps
from tests.members.conftest import link_in

pytestmark = pytest.mark.django_db

REGISTER = reverse("members:registration")
REVIEW = reverse("members:registration_list")
PASSWORD = "Une-phrase-de-passe-2026"

# Professionals of the sample directory (members/data/annuaire_sample.txt).
GP_ORLEANS = "19945000131"  # NOIRFONTAINE Alice, GP in Orléans (45)
GP_BLOIS = "19941000184"  # SAULNIER Bruno, GP in Blois (41)
NURSE_ADELI = "456000000"  # WATRELOT Chloé, nurse in Fleury-les-Aubrais (45)
RETIRED = "19945000198"  # DUVERGIER Bernard, no current activity


@pytest.fixture(autouse=True)
def directory(territory):
    """The sample directory, and an ESS serving the Loiret."""
    directory_import(path=SAMPLE_FILE)
    team = Team.objects.create(pk=1, name="ESS du Loiret", short_name="ESS 45")
    team.departements.add(Departement.objects.get(code="45"))


def check(client, identifier, email="dr.noirfontaine@exemple.fr", key="k" * 32):
    return client.post(REGISTER, {"identifier": identifier, "email": email, "submission_key": key})


def submit(client, identifier, email="dr.noirfontaine@exemple.fr", key="k" * 32):
    data = {"identifier": identifier, "email": email, "submission_key": key, "confirmed": "True"}
    return client.post(REGISTER, data)


def page_text(response) -> str:
    return html.unescape(response.text)


def emails_to(address: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=address).order_by("pk"))


def confirmation_path(address: str) -> str:
    return link_in(emails_to(address)[-1].body_text, "/inscription/confirmer/")


def choose_password(client, path: str, password: str = PASSWORD):
    return client.post(path, {"password1": password, "password2": password})


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def nothing_written():
    return not Registration.objects.exists() and not OutboundEmail.objects.exists()


def register(client, identifier, email) -> Registration:
    """The whole journey up to the password; returns the registration."""
    assert submit(client, identifier, email, key=identifier * 2).status_code == 302
    response = choose_password(client, confirmation_path(email))
    assert response.status_code == 302, response.text
    return Registration.objects.get(email=email)


# ---------------------------------------------------------------------------------------------
# In the ESS's départements: the account opens when the link is followed
# ---------------------------------------------------------------------------------------------
def test_a_gp_of_the_territory_sees_the_directory_data_before_anything_is_written(client):
    assert client.get(REGISTER).status_code == 200

    response = check(client, "199 4500 0131")

    assert response.status_code == 200
    for shown in ("NOIRFONTAINE", "Médecine générale", "Cabinet médical de la Source", "ORLÉANS"):
        assert shown in page_text(response)
    assert "votre compte sera ouvert dès que vous aurez suivi le lien" in page_text(response)
    assert nothing_written()


def test_a_gp_of_the_territory_gets_an_account_only_after_following_the_emailed_link(client):
    email = "dr.noirfontaine@exemple.fr"

    response = submit(client, GP_ORLEANS, email)

    assert response.status_code == 302
    assert response.url == reverse("members:registration_sent")
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.UNCONFIRMED
    assert not User.objects.filter(email=email).exists()
    assert "Confirmez votre inscription" in emails_to(email)[0].subject
    assert sign_in(client, email).status_code == 200  # no account yet: the form again

    path = confirmation_path(email)
    page = client.get(path)
    assert "Bienvenue Alice NOIRFONTAINE" in page_text(page)
    response = choose_password(client, path)

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    user = User.objects.get(email=email)
    assert (user.first_name, user.last_name, user.rpps) == ("Alice", "NOIRFONTAINE", GP_ORLEANS)
    assert (user.profession, user.specialty.code) == ("medecin", "medecine-generale")
    assert user.is_active and user.roles == {Role.REQUESTER}
    assert EmailAddress.objects.get(user=user).verified
    assert not second_factor_required(user)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.OPEN
    assert registration.user == user
    assert [e.to_status for e in registration.events.all()] == [RegistrationStatus.OPEN]
    signed = sign_in(client, email)
    assert signed.status_code == 302
    assert client.get(reverse("referrals:create")).status_code == 200


def test_the_link_works_once(client):
    register(client, GP_ORLEANS, "dr.noirfontaine@exemple.fr")

    again = client.get(confirmation_path("dr.noirfontaine@exemple.fr"))

    assert again.status_code == 404
    assert "n'est plus valable" in page_text(again)
    assert User.objects.count() == 1


def test_a_nurse_registers_with_an_adeli_number(client):
    registration = register(client, NURSE_ADELI, "c.watrelot@exemple.fr")

    user = registration.user
    assert (user.adeli, user.rpps, user.profession) == (NURSE_ADELI, "", "infirmier")
    assert user.is_active


def test_a_weak_password_is_refused_and_the_link_still_works(client):
    submit(client, GP_ORLEANS)
    path = confirmation_path("dr.noirfontaine@exemple.fr")

    response = choose_password(client, path, "1234")

    assert response.status_code == 200
    assert not User.objects.exists()
    assert choose_password(client, path).status_code == 302


# ---------------------------------------------------------------------------------------------
# Outside the ESS's départements: the coordination decides
# ---------------------------------------------------------------------------------------------
def test_a_gp_from_outside_waits_for_the_coordination(client, coordinator):
    email = "b.saulnier@exemple.fr"
    assert "hors des départements de l'ESS" in page_text(check(client, GP_BLOIS, email))

    registration = register(client, GP_BLOIS, email)

    assert registration.status == RegistrationStatus.PENDING
    assert not registration.user.is_active
    assert "à valider" in emails_to(coordinator.email)[0].subject
    sign_in(client, email)
    assert "_auth_user_id" not in client.session


def test_the_coordinator_accepts_and_the_professional_can_sign_in(client, client_for, coordinator):
    registration = register(client, GP_BLOIS, "b.saulnier@exemple.fr")
    coordination = client_for(coordinator)
    page = coordination.get(REVIEW)
    assert "SAULNIER" in page_text(page)
    assert available_actions(coordinator, registration) == ["accept", "refuse"]

    response = coordination.post(
        reverse("members:registration_accept", args=[registration.public_id])
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.OPEN
    assert registration.user.is_active
    assert registration.events.last().actor == coordinator
    assert "est ouvert" in emails_to("b.saulnier@exemple.fr")[-1].subject
    assert sign_in(client.__class__(), "b.saulnier@exemple.fr").status_code == 302
    assert "SAULNIER" not in page_text(coordination.get(REVIEW)).split("Dernières décisions")[0]


def test_the_coordinator_refuses_with_a_reason_and_the_professional_may_register_again(
    client, client_for, coordinator
):
    registration = register(client, GP_BLOIS, "b.saulnier@exemple.fr")
    refuse = reverse("members:registration_refuse", args=[registration.public_id])
    coordination = client_for(coordinator)

    without_reason = coordination.post(refuse, {"reason": "  "}, follow=True)
    assert "Indiquez le motif du refus." in page_text(without_reason)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING

    coordination.post(refuse, {"reason": "Hors de notre territoire d'intervention."})

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REFUSED
    assert registration.user is None
    assert not User.objects.filter(email="b.saulnier@exemple.fr").exists()
    refusal = emails_to("b.saulnier@exemple.fr")[-1]
    assert "Hors de notre territoire d'intervention." in refusal.body_text
    assert check(client, GP_BLOIS, "b.saulnier@exemple.fr").status_code == 200
    assert "C'est bien moi" in page_text(check(client, GP_BLOIS, "b.saulnier@exemple.fr"))


def test_a_decided_registration_cannot_be_decided_again(client, coordinator):
    registration = register(client, GP_BLOIS, "b.saulnier@exemple.fr")
    registration_accept(registration_id=registration.pk, by=coordinator)
    registration.refresh_from_db()

    assert available_actions(coordinator, registration) == []
    # A retried acceptance is a no-op.
    assert registration_accept(registration_id=registration.pk, by=coordinator).status == "open"


def test_a_second_registration_waiting_for_the_coordination_is_refused(client):
    register(client, GP_BLOIS, "b.saulnier@exemple.fr")

    response = check(client, GP_BLOIS, "autre@exemple.fr", key="z" * 32)

    assert "attend déjà la validation de la coordination" in page_text(response)


@pytest.mark.parametrize("persona", ["requester", "specialist", "manager", "authority"])
def test_only_the_coordination_reviews_registrations(client, client_for, persona, request):
    registration = register(client, GP_BLOIS, "b.saulnier@exemple.fr")
    other = client_for(request.getfixturevalue(persona))

    assert other.get(REVIEW).status_code == 403
    accept = reverse("members:registration_accept", args=[registration.public_id])
    assert other.post(accept).status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_the_review_list_reads_a_constant_number_of_queries(
    client, client_for, coordinator, django_assert_max_num_queries
):
    anonymous = client.__class__()
    register(anonymous, GP_BLOIS, "b.saulnier@exemple.fr")
    coordination = client_for(coordinator)
    with django_assert_max_num_queries(30) as few:
        assert coordination.get(REVIEW).status_code == 200
    one = len(few)  # read now: the requests below empty the query log it reads from
    register(anonymous, "19975000209", "k.urbaneja@exemple.fr")
    register(anonymous, "19975000217", "e.vernouillet@exemple.fr")

    with django_assert_max_num_queries(one):
        response = coordination.get(REVIEW)

    assert len(response.context["pending"]) == 3


# ---------------------------------------------------------------------------------------------
# Refusals: a clear message, nothing written
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("confirmed", [False, True])
@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        (valid_rpps("1990000000"), "ne figure pas dans l'annuaire national"),
        ("19945000132", "La clé du numéro RPPS est incorrecte"),
        ("1994500013", "Saisissez votre numéro RPPS (11 chiffres)"),
        ("45600000X", "Le numéro ADELI comporte 9 caractères"),
        (RETIRED, "n'a pas d'activité en cours"),
    ],
)
def test_an_unknown_malformed_or_inactive_number_is_refused(client, identifier, message, confirmed):
    post = submit if confirmed else check

    response = post(client, identifier)

    assert response.status_code == 200
    assert message in page_text(response)
    assert nothing_written()


def test_a_number_that_already_has_an_account_points_to_sign_in_without_the_address(client):
    UserFactory(requester=True, rpps=GP_ORLEANS, email="adresse.secrete@exemple.fr")

    response = submit(client, GP_ORLEANS, "autre@exemple.fr")

    assert "Un compte existe déjà pour ce numéro RPPS" in page_text(response)
    assert "Mot de passe oublié" in page_text(response)
    assert "adresse.secrete" not in page_text(response)
    assert nothing_written()


def test_an_address_that_already_has_an_account_is_refused(client):
    UserFactory(requester=True, email="dr.noirfontaine@exemple.fr")

    response = submit(client, GP_ORLEANS, "Dr.Noirfontaine@exemple.fr")

    assert "Un compte existe déjà pour cette adresse" in page_text(response)
    assert nothing_written()


# ---------------------------------------------------------------------------------------------
# Links and resubmissions
# ---------------------------------------------------------------------------------------------
def test_an_expired_link_is_refused(client, time_machine):
    submit(client, GP_ORLEANS)
    path = confirmation_path("dr.noirfontaine@exemple.fr")
    time_machine.move_to(timezone.now() + timedelta(hours=49))

    response = choose_password(client, path)

    assert response.status_code == 404
    assert "Recommencer l'inscription" in page_text(response)
    assert not User.objects.exists()


def test_a_forged_link_is_refused(client):
    submit(client, GP_ORLEANS)
    path = confirmation_path("dr.noirfontaine@exemple.fr")
    forged = path.replace("/confirmer/", "/confirmer/x")

    assert client.get(forged).status_code == 404
    assert choose_password(client, forged).status_code == 404
    assert not User.objects.exists()


def test_a_double_submission_makes_one_registration_and_one_email(client):
    first = submit(client, GP_ORLEANS)
    second = submit(client, GP_ORLEANS)

    assert first.status_code == second.status_code == 302
    assert Registration.objects.count() == 1
    assert len(emails_to("dr.noirfontaine@exemple.fr")) == 1


def test_registering_again_to_another_address_voids_the_first_link(client):
    submit(client, GP_ORLEANS, "ancienne@exemple.fr")
    old_link = confirmation_path("ancienne@exemple.fr")

    submit(client, GP_ORLEANS, "nouvelle@exemple.fr", key="n" * 32)

    assert Registration.objects.get().email == "nouvelle@exemple.fr"
    assert client.get(old_link).status_code == 404
    assert choose_password(client, confirmation_path("nouvelle@exemple.fr")).status_code == 302


def test_the_form_is_throttled_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "registration": "2/h/ip"}
    assert check(client, "12345678901").status_code == 200  # a refused form counts too
    assert check(client, GP_ORLEANS).status_code == 200

    response = submit(client, GP_ORLEANS)

    assert response.status_code == 429
    assert nothing_written()
    assert client.get(REGISTER).status_code == 200
