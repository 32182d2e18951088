import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

MFA_ROLES = ["coordinator", "specialist", "paramedic", "manager", "authority"]


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_requester_signs_in_with_email_and_password(client, requester):
    response = sign_in(client, requester.email)

    assert response.status_code == 302
    assert response.url == "/"
    assert "Espace demandeur" in client.get("/").text


def test_a_wrong_password_is_refused_in_french(client, requester):
    response = sign_in(client, requester.email, "mauvais-mot-de-passe")

    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.text


def test_repeated_failures_are_rate_limited(client, requester):
    for _ in range(5):
        sign_in(client, requester.email, "mauvais-mot-de-passe")

    response = sign_in(client, requester.email)  # even the right password, for a while

    assert "Trop de tentatives de connexion échouées" in response.text
    assert client.get("/").status_code == 302


def test_sign_up_is_closed_to_the_public(client, db):
    response = client.get("/accounts/signup/")

    assert "Inscriptions fermées" in response.text
    assert (
        client.post(
            "/accounts/signup/",
            {"email": "x@exemple.fr", "password1": "a" * 14, "password2": "a" * 14},
        ).status_code
        == 200
    )
    from members.models import User

    assert not User.objects.filter(email="x@exemple.fr").exists()


def test_the_admin_sign_in_goes_through_the_platform_sign_in(client, db):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    assert "Se connecter" in response.text


@pytest.mark.parametrize("persona", MFA_ROLES)
def test_roles_reaching_patient_data_must_enrol_mfa_first(client, settings, request, persona):
    settings.ESS_REQUIRE_MFA = True
    user = request.getfixturevalue(persona)

    sign_in(client, user.email)
    home = client.get("/")
    api = client.get(reverse("api:me"))

    assert home.status_code == 302
    assert home.url == reverse("mfa_activate_totp")
    assert api.status_code == 403
    # allauth asks for the password again before enrolling a second factor, then shows the QR.
    reauth = client.get(reverse("mfa_activate_totp"), follow=True)
    assert reauth.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 200
    assert "data:image/svg+xml" in activate.text


def test_requesters_are_not_forced_to_enrol(client, settings, requester):
    settings.ESS_REQUIRE_MFA = True

    sign_in(client, requester.email)

    assert client.get("/").status_code == 200


def test_mfa_enforcement_can_be_switched_off(client, settings, coordinator):
    settings.ESS_REQUIRE_MFA = False

    sign_in(client, coordinator.email)

    assert client.get("/").status_code == 200


def test_with_totp_enrolled_sign_in_asks_for_the_code_then_opens_the_home(
    client, settings, coordinator
):
    settings.ESS_REQUIRE_MFA = True
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)

    response = sign_in(client, coordinator.email)
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/").status_code == 302  # not signed in yet

    from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time

    counter = next(iter(yield_hotp_counters_from_time()))
    code = format_hotp_value(hotp_value(secret, counter))
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert Authenticator.objects.filter(user=coordinator).exists()


def test_demo_accounts_are_refused_unless_demo_is_on(client, settings, db):
    demo = UserFactory(coordinator=True, demo=True)
    settings.ESS_DEMO = False

    response = sign_in(client, demo.email, settings.ESS_DEMO_PASSWORD)

    assert "Les comptes de démonstration sont désactivés" in response.text
    assert client.get("/").status_code == 302


def test_demo_accounts_sign_in_without_mfa_on_a_demo_instance(client, settings, db):
    demo = UserFactory(coordinator=True, demo=True)
    settings.ESS_DEMO = True
    settings.ESS_REQUIRE_MFA = True

    sign_in(client, demo.email, settings.ESS_DEMO_PASSWORD)

    assert client.get("/").status_code == 200


def test_a_demo_session_ends_when_demo_is_switched_off(client, settings, db):
    demo = UserFactory(requester=True, demo=True)
    settings.ESS_DEMO = True
    sign_in(client, demo.email, settings.ESS_DEMO_PASSWORD)
    assert client.get("/").status_code == 200

    settings.ESS_DEMO = False

    assert client.get("/").status_code == 302


def test_a_forgotten_password_is_reset_by_email(
    client, requester, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": requester.email})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    new_password = "nouveau-mot-de-passe-2026"
    client.post(form_url, {"password1": new_password, "password2": new_password})
    requester.refresh_from_db()
    assert requester.check_password(new_password)
