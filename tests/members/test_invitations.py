import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Invitation, User
from tests.factories import UserFactory


def invite(client, **overrides):
    data = {
        "email": "nouveau@exemple.fr",
        "first_name": "Léa",
        "last_name": "Moreau",
        "roles": ["specialist"],
        **overrides,
    }
    return client.post(reverse("members:invitation_create"), data)


def link_in(message) -> str:
    return re.search(r"https?://\S+/membres/invitation/\S+/", message.body).group(0)


def accept(client, link, password="un-mot-de-passe-tres-solide"):
    return client.post(link, {"password1": password, "password2": password})


def test_a_manager_invites_and_the_invitee_creates_an_account_with_the_roles(
    client_for, manager, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for(manager), roles=["specialist", "paramedic"])

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouveau@exemple.fr"]
    assert "Invitation" in message.subject
    client.logout()

    response = accept(client, link_in(message).replace("http://testserver", ""))

    assert response.status_code == 302
    user = User.objects.get(email="nouveau@exemple.fr")
    assert user.roles == {"specialist", "paramedic"}
    assert user.emailaddress_set.get().verified
    assert user.check_password("un-mot-de-passe-tres-solide")
    assert Invitation.objects.get().accepted_at is not None


def test_an_invitation_link_works_once(
    client_for, manager, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(manager))
    client.logout()
    link = link_in(mail.outbox[0]).replace("http://testserver", "")
    accept(client, link)

    again = client.get(link)

    assert again.status_code == 404
    assert "n'est plus valable" in again.text
    assert User.objects.filter(email="nouveau@exemple.fr").count() == 1


def test_an_expired_or_tampered_link_is_refused(
    client_for, manager, client, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(manager))
    client.logout()
    link = link_in(mail.outbox[0]).replace("http://testserver", "")

    assert client.get(link[:-3] + "xx/").status_code == 404
    time_machine.move_to(timezone.now() + timedelta(days=15))
    assert client.get(link).status_code == 404


def test_a_weak_password_is_refused_and_no_account_is_created(
    client_for, manager, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(manager))
    client.logout()
    link = link_in(mail.outbox[0]).replace("http://testserver", "")

    response = accept(client, link, password="12345678")

    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.text
    assert not User.objects.filter(email="nouveau@exemple.fr").exists()


def test_inviting_an_account_to_roles_it_has_or_twice_is_refused(client_for, manager, requester):
    client = client_for(manager)

    same_roles = invite(client, email=requester.email, roles=["requester"])
    disabled = invite(client, email=UserFactory(is_active=False).email)
    invite(client)
    twice = invite(client)

    assert "Ce compte a déjà ces rôles." in html.unescape(same_roles.text)
    assert "Le compte de cette adresse est désactivé." in html.unescape(disabled.text)
    assert "Une invitation est déjà en attente pour cette adresse." in twice.text
    assert Invitation.objects.count() == 1


def test_the_authority_role_goes_with_no_other(client_for, manager, authority, requester):
    client = client_for(manager)

    mixed = invite(client, email="mix@exemple.fr", roles=["coordinator", "authority"])
    authority_to_clinic = invite(client, email=authority.email, roles=["coordinator"])
    clinic_to_authority = invite(client, email=requester.email, roles=["authority"])

    for refused in (mixed, authority_to_clinic, clinic_to_authority):
        assert "ne se cumule avec aucun autre" in html.unescape(refused.text)
    assert not Invitation.objects.exists()
    with pytest.raises(ValidationError):
        services.roles_grant(user=authority, roles=["specialist"], by=manager)
    assert User.objects.get(pk=authority.pk).roles == {"authority"}


def test_a_requester_invited_to_the_coordination_accepts_signed_in_and_keeps_their_account(
    client_for, manager, requester, other_requester, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(manager), email=requester.email, roles=["coordinator"])
    (message,) = mail.outbox
    assert "connecté·e" in message.body
    link = link_in(message).replace("http://testserver", "")
    client.logout()

    signed_out = client.get(link)
    stranger = client_for(other_requester).get(link)
    refused = client_for(other_requester).post(link, follow=True)
    with_password = accept(Client(), link)  # no second account for the address

    assert signed_out.status_code == 302 and signed_out.url.startswith("/accounts/login/")
    assert f"adressée au compte {requester.email}" in html.unescape(stranger.text)
    assert "connectez-vous avec ce compte" in html.unescape(refused.text)
    assert with_password.status_code == 302
    assert User.objects.filter(email=requester.email).count() == 1
    assert Invitation.objects.get().accepted_at is None

    mine = client_for(requester)
    page = mine.get(link)
    done = mine.post(link, follow=True)

    assert "Coordination" in page.text
    assert "Invitation acceptée : vos nouveaux rôles sont actifs." in html.unescape(done.text)
    assert User.objects.get(pk=requester.pk).roles == {"requester", "coordinator"}
    assert Invitation.objects.get().user == requester
    assert Client().get(link).status_code == 404  # used once
    assert mine.get("/").url == "/accounts/2fa/totp/activate/"  # a coordinator enrols


def test_a_revoked_invitation_can_no_longer_be_used(
    client_for, manager, client, django_capture_on_commit_callbacks
):
    manager_client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        invite(manager_client)
    invitation = Invitation.objects.get()
    manager_client.post(reverse("members:invitation_revoke", args=[invitation.public_id]))
    manager_client.logout()

    response = client.get(link_in(mail.outbox[0]).replace("http://testserver", ""))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["requester", "coordinator", "specialist", "authority"])
def test_only_managers_can_invite(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(reverse("members:invitation_create")).status_code == 403
    assert invite(client).status_code == 403
    assert not Invitation.objects.exists()


def test_the_invitation_list_shows_pending_invitations(client_for, manager):
    client = client_for(manager)
    invite(client)

    response = client.get(reverse("members:invitation_list"))

    assert "nouveau@exemple.fr" in response.text
    assert "En attente" in response.text
