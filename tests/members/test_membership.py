"""Joining the ESS: the public application, its review, the member's life (history kept)."""

import html

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from ess.models import OutboundEmail
from members import services
from members.models import Membership, MembershipEvent, User
from members.permissions import can_edit_membership, can_manage_memberships
from tests.factories import MembershipFactory, UserFactory, valid_rpps
from tests.members.conftest import RPPS, link_in

APPLY = reverse("members:apply")


def apply(client, data):
    return client.post(APPLY, data)


def emails_to(address: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=address).order_by("pk"))


def test_an_anonymous_specialist_applies_and_the_managers_are_told(client, application_data):
    manager = UserFactory(manager=True)

    response = apply(client, application_data)

    assert response.status_code == 302
    assert response.url == reverse("members:apply_sent")
    membership = Membership.objects.get()
    assert membership.status == "applied"
    assert membership.user is None
    assert (membership.rpps, membership.specialty.code) == (RPPS, "cardiologie")
    assert [c.code for c in membership.competences.all()] == ["rythmologie"]
    assert membership.sites.get().commune_id == "45234"
    assert membership.unscheduled_care and membership.teleexpertise and not membership.training
    assert membership.events.get().to_status == "applied"
    assert "bien été reçue" in emails_to("lea.moreau@exemple.fr")[0].subject
    assert "Léa Moreau" in emails_to(manager.email)[0].subject


def test_the_application_form_works_without_an_account(client, application_data):
    response = client.get(APPLY)

    assert response.status_code == 200
    assert 'name="submission_key"' in response.text
    assert "data-once" in response.text


def test_a_resent_application_form_creates_one_application(client, application_data):
    apply(client, application_data)
    again = apply(client, application_data)

    assert again.status_code == 302
    assert Membership.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rpps", "10123456789", "La clé du numéro RPPS est incorrecte"),
        ("rpps", "1234", "Le numéro RPPS comporte exactement 11 chiffres."),
        ("rpps", "", "Le numéro RPPS est requis pour cette profession"),
    ],
)
def test_a_bad_rpps_is_refused_with_a_clear_message(
    client, application_data, field, value, message
):
    response = apply(client, {**application_data, field: value})

    assert response.status_code == 200
    assert message in response.text
    assert not Membership.objects.exists()


def test_a_nurse_may_give_an_adeli_number_but_a_bad_one_is_refused(client, application_data):
    nurse = {**application_data, "profession": "infirmier", "rpps": "", "specialty": ""}
    nurse["competences"] = []

    bad = apply(client, {**nurse, "adeli": "4512"})
    good = apply(client, {**nurse, "adeli": "45 1234567"})

    assert "Le numéro ADELI comporte 9 caractères" in bad.text
    assert good.status_code == 302
    assert Membership.objects.get().adeli == "451234567"


def test_an_application_needs_a_practice_site(client, application_data):
    data = {**application_data, "sites-0-address": "", "sites-0-commune": ""}

    response = apply(client, data)

    assert response.status_code == 200
    assert not Membership.objects.exists()


def test_a_second_open_application_for_the_same_person_is_refused(client, application_data):
    apply(client, application_data)

    response = apply(client, {**application_data, "submission_key": "z" * 32})

    assert "Une adhésion est déjà en cours ou active pour cette adresse" in response.text
    assert Membership.objects.count() == 1


def validate(client, membership, **kwargs):
    return client.post(
        reverse("members:membership_validate", args=[membership.public_id]), **kwargs
    )


def test_validation_creates_the_account_with_its_roles_and_an_activation_link(
    client, client_for, manager, application_data
):
    apply(client, application_data)
    membership = Membership.objects.get()

    response = validate(client_for(manager), membership)

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "validated"
    user = membership.user
    assert user.roles == {"specialist"}
    assert (user.rpps, user.specialty.code, user.last_name) == (RPPS, "cardiologie", "Moreau")
    assert not user.has_usable_password()
    email = emails_to(user.email)[-1]
    assert "activez votre compte" in email.subject
    client.logout()

    link = link_in(email.body_text, "/adhesion/activer/")
    activated = client.post(
        link, {"password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide"}
    )

    assert activated.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "active"
    user.refresh_from_db()
    assert user.check_password("un-mot-de-passe-solide")
    assert user.emailaddress_set.get().verified
    assert Client().get(link).status_code == 404  # the link works once
    assert [e.to_status for e in membership.events.all()] == ["applied", "validated", "active"]


def test_an_existing_account_changes_only_once_its_holder_confirms_signed_in(
    client, client_for, manager, application_data
):
    existing = UserFactory(
        email="lea.moreau@exemple.fr", requester=True, first_name="Claire", last_name="Martin"
    )
    apply(client, application_data)  # anyone may send an application with this address
    membership = Membership.objects.get()
    manager_client = client_for(manager)
    detail = manager_client.get(reverse("members:membership_detail", args=[membership.public_id]))
    assert f"est celle du compte existant de {existing.display_name}" in html.unescape(detail.text)

    validate(manager_client, membership)

    membership.refresh_from_db()
    existing.refresh_from_db()
    assert membership.status == "validated" and membership.user == existing
    assert (existing.last_name, existing.rpps, existing.roles) == ("Martin", "", {"requester"})
    email = emails_to(existing.email)[-1]
    assert "confirmez-la" in email.subject
    link = link_in(email.body_text, "/adhesion/activer/")
    client.logout()
    assert "Me connecter pour confirmer" in client.get(link).text
    intruder = client_for(UserFactory(requester=True))
    assert "connectez-vous avec le compte lea.moreau@exemple.fr" in html.unescape(
        intruder.get(link).text
    )
    intruder.post(link)
    assert User.objects.get(pk=existing.pk).roles == {"requester"}

    holder = client_for(existing)
    assert "Confirmer mon adhésion" in holder.get(link).text
    confirmed = holder.post(link)

    assert confirmed.status_code == 302
    membership.refresh_from_db()
    existing.refresh_from_db()
    assert membership.status == "active"
    assert (existing.last_name, existing.rpps) == ("Moreau", RPPS)
    assert User.objects.get(pk=existing.pk).roles == {"requester", "specialist"}
    assert existing.has_usable_password()
    assert Client().get(link).status_code == 404  # the link works once


def test_an_rpps_held_by_another_account_tells_the_manager_whose_it_is(
    client, client_for, manager, application_data
):
    holder = UserFactory(email="l.moreau@autre.fr", first_name="Léa", last_name="Moreau", rpps=RPPS)
    apply(client, application_data)  # from another address
    membership = Membership.objects.get()

    response = client_for(manager).post(
        reverse("members:membership_validate", args=[membership.public_id]), follow=True
    )

    membership.refresh_from_db()
    assert membership.status == "applied"
    assert f"déjà celui du compte de {holder.display_name} (l.moreau@autre.fr)" in html.unescape(
        response.text
    )


def test_a_nurse_becomes_a_paramedic(client, client_for, manager, application_data):
    nurse = {**application_data, "profession": "ipa", "rpps": "", "specialty": ""}
    apply(client, {**nurse, "adeli": "451234567", "competences": []})

    validate(client_for(manager), Membership.objects.get())

    assert Membership.objects.get().user.roles == {"paramedic"}


def test_a_manager_asks_for_changes_and_the_applicant_completes_the_application(
    client, client_for, manager, application_data
):
    apply(client, application_data)
    membership = Membership.objects.get()
    manager_client = client_for(manager)
    manager_client.post(
        reverse("members:membership_request_changes", args=[membership.public_id]),
        {"note": "Ajoutez votre second cabinet."},
    )
    manager_client.logout()
    membership.refresh_from_db()
    assert membership.status == "changes_requested"
    email = emails_to("lea.moreau@exemple.fr")[-1]
    assert "Ajoutez votre second cabinet." in email.body_text
    link = link_in(email.body_text, "/adhesion/completer/")

    page = client.get(link)
    data = {**application_data, "sites-1-address": "Hôpital de Gien", "sites-1-commune": "45155"}
    response = client.post(link, data)

    assert "Ajoutez votre second cabinet." in page.text
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "applied"
    assert sorted(membership.sites.values_list("commune_id", flat=True)) == ["45155", "45234"]
    assert client.get(link).status_code == 404


def test_a_refusal_needs_a_reason_and_is_sent_to_the_applicant(
    client, client_for, manager, application_data
):
    apply(client, application_data)
    membership = Membership.objects.get()
    url = reverse("members:membership_refuse", args=[membership.public_id])
    manager_client = client_for(manager)

    manager_client.post(url, {"reason": ""})
    membership.refresh_from_db()
    assert membership.status == "applied"
    manager_client.post(url, {"reason": "Exercice exclusivement hospitalier."})

    membership.refresh_from_db()
    assert membership.status == "refused"
    assert "Exercice exclusivement hospitalier." in emails_to(membership.email)[-1].body_text
    assert not User.objects.filter(email=membership.email).exists()


def test_the_applicant_is_written_to_in_french_whatever_the_managers_language(
    client, client_for, manager, application_data
):
    apply(client, application_data)
    membership = Membership.objects.get()
    manager_client = client_for(manager)
    manager_client.post(reverse("set_language"), {"language": "en", "next": "/"})

    manager_client.post(
        reverse("members:membership_refuse", args=[membership.public_id]),
        {"reason": "Exercice exclusivement hospitalier."},
    )

    assert emails_to(membership.email)[-1].subject == "[ESS] Votre candidature à l'ESS"


def test_a_refused_application_cannot_be_validated(client_for, manager, territory):
    membership = MembershipFactory(status="refused")

    response = validate(client_for(manager), membership, follow=True)

    membership.refresh_from_db()
    assert membership.status == "refused"
    assert "Action impossible : l&#x27;adhésion" in response.text


def test_suspension_and_departure_withdraw_the_role_and_keep_the_history(
    client_for, manager, territory
):
    membership = MembershipFactory(active=True)
    user = membership.user
    client = client_for(manager)

    client.post(
        reverse("members:membership_suspend", args=[membership.public_id]),
        {"reason": "Non-respect de la charte."},
    )
    user.refresh_from_db()
    assert user.roles == set()
    client.post(reverse("members:membership_reinstate", args=[membership.public_id]))
    user = User.objects.get(pk=user.pk)
    assert user.roles == {"specialist"}
    client.post(reverse("members:membership_leave", args=[membership.public_id]), {"reason": ""})

    membership.refresh_from_db()
    assert membership.status == "left"
    assert User.objects.get(pk=user.pk).roles == set()
    assert [e.to_status for e in membership.events.all()] == ["suspended", "active", "left"]


def test_a_member_leaves_by_themselves(client_for, territory):
    membership = MembershipFactory(active=True)

    client_for(membership.user).post(
        reverse("members:membership_leave", args=[membership.public_id]), {"reason": "Retraite"}
    )

    membership.refresh_from_db()
    assert membership.status == "left"


def profile_data(application_data, **overrides):
    data = {k: v for k, v in application_data.items() if k not in ("email", "submission_key")}
    return {**data, **overrides}


def test_a_member_edits_their_entry_and_a_new_rpps_waits_for_a_manager(
    client_for, manager, application_data
):
    membership = MembershipFactory(active=True, email="lea.moreau@exemple.fr")
    client = client_for(membership.user)
    old_rpps = membership.rpps
    new_rpps = valid_rpps("1099999999")

    response = client.post(
        reverse("members:profile"),
        profile_data(application_data, rpps=new_rpps, languages="anglais, espagnol"),
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.languages == "anglais, espagnol"  # applied at once
    assert membership.rpps == old_rpps  # regulated: waits
    assert membership.pending_changes == {"rpps": new_rpps}
    client_for(manager).post(
        reverse("members:membership_changes_approve", args=[membership.public_id])
    )
    membership.refresh_from_db()
    assert membership.rpps == new_rpps
    assert membership.pending_changes == {}
    assert User.objects.get(pk=membership.user_id).rpps == new_rpps


def test_a_member_s_phones_are_checked_stored_as_numbers_and_shown_in_french(
    client_for, application_data
):
    membership = MembershipFactory(active=True, email="lea.moreau@exemple.fr", phone="")
    client = client_for(membership.user)

    refused = client.post(
        reverse("members:profile"),
        profile_data(application_data, phone="abc123", **{"sites-0-phone": "12"}),
    )
    membership.refresh_from_db()
    assert membership.phone == ""
    assert "Numéro de téléphone invalide : ex. 06 12 34 56 78" in html.unescape(refused.text)
    assert "Téléphone de 12 rue Bannier" in html.unescape(refused.text)
    phone_input = refused.text.split('name="phone"', 1)[1].split(">", 1)[0]
    assert "autofocus" in phone_input  # the first field in error takes the focus

    client.post(reverse("members:profile"), profile_data(application_data, phone="0612345678"))
    membership.refresh_from_db()
    assert membership.phone == "+33612345678"
    assert membership.sites.get().phone == "+33238112233"
    page = client.get(reverse("members:profile")).text
    assert 'value="06 12 34 56 78"' in page
    assert 'value="02 38 11 22 33"' in page


def test_a_rejected_change_leaves_the_entry_as_it_was(client_for, manager, application_data):
    membership = MembershipFactory(active=True)
    client_for(membership.user).post(
        reverse("members:profile"),
        profile_data(application_data, specialty="pneumologie", competences=[]),
    )

    client_for(manager).post(
        reverse("members:membership_changes_reject", args=[membership.public_id]),
        {"reason": "Pas de titre de pneumologue."},
    )

    membership.refresh_from_db()
    assert membership.specialty.code == "cardiologie"
    assert membership.pending_changes == {}
    assert MembershipEvent.objects.filter(note__contains="Pas de titre").exists()


def test_members_find_their_entry_from_the_menu(client_for, territory):
    membership = MembershipFactory(active=True)

    home = client_for(membership.user).get("/")

    assert reverse("members:profile") in home.text
    assert client_for(membership.user).get(reverse("members:profile")).status_code == 200


def test_the_profile_page_is_for_members_only(client_for, requester):
    assert client_for(requester).get(reverse("members:profile")).status_code == 404


@pytest.mark.parametrize("persona", ["requester", "coordinator", "specialist", "authority"])
def test_only_managers_review_applications(client_for, request, persona, territory):
    membership = MembershipFactory()
    client = client_for(request.getfixturevalue(persona))

    assert client.get(reverse("members:membership_list")).status_code == 403
    assert validate(client, membership).status_code == 404
    membership.refresh_from_db()
    assert membership.status == "applied"


PERSONAS = ["requester", "coordinator", "specialist", "paramedic", "manager", "authority"]


@pytest.mark.parametrize(("persona", "allowed"), [(p, p == "manager") for p in PERSONAS])
def test_can_manage_memberships(db, request, persona, allowed):
    assert can_manage_memberships(request.getfixturevalue(persona)) is allowed
    assert can_manage_memberships(AnonymousUser()) is False


def test_only_the_member_edits_their_entry(territory, manager, specialist):
    membership = MembershipFactory(active=True)

    assert can_edit_membership(membership.user, membership)
    assert not can_edit_membership(manager, membership)
    assert not can_edit_membership(specialist, membership)
    assert not can_edit_membership(AnonymousUser(), membership)


def test_the_service_refuses_a_validation_by_someone_else(territory, coordinator):
    from django.core.exceptions import PermissionDenied

    membership = MembershipFactory()

    with pytest.raises(PermissionDenied):
        services.membership_validate(membership_id=membership.pk, by=coordinator, base_url="/")


def test_the_managers_list_shows_applications_with_counts(
    client_for, manager, territory, django_assert_max_num_queries
):
    MembershipFactory.create_batch(3)
    client = client_for(manager)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("members:membership_list"))
    MembershipFactory.create_batch(30, active=True)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("members:membership_list"), {"statut": "applied"})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3


def test_the_public_application_form_is_throttled_per_address(client, application_data, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "member_apply": "2/h/ip"}
    bad = {**application_data, "rpps": "12345678901"}
    assert apply(client, bad).status_code == 200  # a refused form counts too
    assert apply(client, bad).status_code == 200

    response = apply(client, application_data)

    assert response.status_code == 429
    assert "Trop de demandes" in response.text
    assert "Rien n'a été enregistré" in response.text
    assert not Membership.objects.exists()
    assert not OutboundEmail.objects.exists()
    # Another address is not affected; reading the form is never throttled.
    assert client.get(APPLY).status_code == 200
    other = apply(client.__class__(REMOTE_ADDR="203.0.113.7"), application_data)
    assert other.status_code == 302
    assert Membership.objects.count() == 1
