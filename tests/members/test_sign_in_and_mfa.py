import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, current_totp_code, totp_code

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


@pytest.mark.parametrize("role", MFA_ROLES)
def test_roles_reaching_patient_data_must_enrol_mfa_first(client, db, role):
    user = UserFactory(**{role: True}, without_mfa=True)

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


# Transactional: allauth announces the new authenticator when its transaction commits, and that
# announcement marks the session; inside a test transaction it would come after the response.
@pytest.mark.django_db(transaction=True)
def test_enrolling_totp_opens_the_platform_in_the_same_session(client):
    user = UserFactory(coordinator=True, without_mfa=True)
    sign_in(client, user.email)
    client.get(reverse("mfa_activate_totp"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert client.get("/").status_code == 200
    assert client.get(reverse("api:me")).status_code == 200


def test_requesters_are_not_forced_to_enrol(client, requester):
    sign_in(client, requester.email)

    assert client.get("/").status_code == 200


def test_with_totp_enrolled_sign_in_asks_for_the_code_then_opens_the_home(client, coordinator):
    response = sign_in(client, coordinator.email)
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/notifications/").status_code == 302  # not signed in yet

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(coordinator)})

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get(reverse("api:me")).status_code == 200


def test_a_session_that_skipped_the_code_is_asked_for_it_before_any_page(client, coordinator):
    # Signed in by password alone (no allauth sign-in does that for an enrolled account, but a
    # session opened before the second factor was enforced, or by any other path, is like it).
    client.force_login(coordinator, backend="ess.auth.EssAuthenticationBackend")
    page = reverse("referrals:dashboard")

    response = client.get(page)
    api = client.get(reverse("api:me"))

    assert response.status_code == 302
    assert response.url == f"{reverse('mfa_reauthenticate')}?next=%2Fregulation%2F"
    assert api.status_code == 403
    assert "double authentification" in api.json()["detail"]
    confirmed = client.post(response.url, {"code": totp_code(coordinator)})
    assert confirmed.status_code == 302
    assert confirmed.url == page
    assert client.get(page).status_code == 200


def test_removing_the_totp_sends_a_staff_member_back_to_enrolment(client_for, coordinator):
    client = client_for(coordinator)
    assert client.get("/").status_code == 200
    # allauth asks for a fresh proof before removing a second factor.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    client.post(reverse("mfa_deactivate_totp"))

    assert not Authenticator.objects.filter(user=coordinator, type="totp").exists()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    assert client.get(reverse("api:me")).status_code == 403


def test_demo_accounts_are_refused_unless_demo_is_on(client, settings, db):
    demo = UserFactory(coordinator=True, demo=True)
    settings.ESS_DEMO = False

    response = sign_in(client, demo.email, settings.ESS_DEMO_PASSWORD)

    assert "Les comptes de démonstration sont désactivés" in response.text
    assert client.get("/notifications/").status_code == 302


def test_demo_accounts_sign_in_without_mfa_on_a_demo_instance(client, settings, db):
    demo = UserFactory(coordinator=True, demo=True)
    settings.ESS_DEMO = True

    sign_in(client, demo.email, settings.ESS_DEMO_PASSWORD)

    assert client.get("/").status_code == 200


def test_a_demo_session_ends_when_demo_is_switched_off(client, settings, db):
    demo = UserFactory(requester=True, demo=True)
    settings.ESS_DEMO = True
    sign_in(client, demo.email, settings.ESS_DEMO_PASSWORD)
    assert client.get("/").status_code == 200

    settings.ESS_DEMO = False

    assert client.get("/notifications/").status_code == 302


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
