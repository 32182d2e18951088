"""Who sees which referral: the selector and the predicate agree, for every persona."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from referrals.permissions import can_view_referral
from referrals.selectors import referrals_visible_to
from tests.factories import OrganisationFactory, ReferralFactory, UserFactory


@pytest.fixture
def personas(
    db,
    requester,
    other_requester,
    coordinator,
    specialist,
    other_specialist,
    manager,
    authority,
    paramedic,
):
    neurologist = UserFactory(specialist=True)
    from ess.models import Specialty

    neurologist.specialty = Specialty.objects.get_or_create(
        code="neurologie", defaults={"label": "Neuro"}
    )[0]
    neurologist.save()
    return {
        "requester": requester,
        "other_requester": other_requester,
        "coordinator": coordinator,
        "specialist": specialist,
        "other_specialist": other_specialist,
        "neurologist": neurologist,
        "manager": manager,
        "authority": authority,
        "paramedic": paramedic,
        "anonymous": AnonymousUser(),
    }


CASES = {
    # state of the referral → personas who may see it
    "submitted": {"requester", "coordinator", "manager"},
    "offered_to_specialist": {"requester", "coordinator", "manager", "specialist"},
    "offered_to_pool": {"requester", "coordinator", "manager", "specialist", "other_specialist"},
    "held_by_specialist": {"requester", "coordinator", "manager", "specialist"},
}


def make(state, personas):
    referral = ReferralFactory(requester=personas["requester"])
    if state == "offered_to_specialist":
        referral.status, referral.offered_to = "triaged", personas["specialist"]
    elif state == "offered_to_pool":
        referral.status, referral.offered_to_pool = "triaged", True
    elif state == "held_by_specialist":
        referral.status, referral.specialist = "accepted", personas["specialist"]
    referral.save()
    return referral


@pytest.mark.parametrize("state", list(CASES))
def test_visibility_per_persona(personas, state):
    referral = make(state, personas)

    for name, user in personas.items():
        expected = name in CASES[state]
        assert can_view_referral(user, referral) is expected, name
        assert referrals_visible_to(user).filter(pk=referral.pk).exists() is expected, name


def test_an_organisation_delegate_follows_the_organisations_referrals(db):
    cpts = OrganisationFactory(kind="cpts")
    author = UserFactory(requester=True, organisation=cpts)
    delegate = UserFactory(requester=True, organisation=cpts, acts_for_organisation=True)
    colleague = UserFactory(requester=True, organisation=cpts)
    referral = ReferralFactory(requester=author)

    assert can_view_referral(delegate, referral)
    assert not can_view_referral(colleague, referral)


@pytest.mark.parametrize(
    "persona", ["other_requester", "other_specialist", "authority", "paramedic"]
)
def test_pages_answer_404_to_those_who_may_not_see(
    client_for, request, requester, specialist, persona
):
    referral = ReferralFactory(requester=requester, status="accepted", specialist=specialist)
    client = client_for(request.getfixturevalue(persona))

    assert client.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 404
    from uuid import uuid4

    assert client.get(reverse("referrals:detail", args=[uuid4()])).status_code == 404
