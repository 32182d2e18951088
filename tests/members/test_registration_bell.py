"""A registration from outside the ESS's départements reaches the coordinators' bell: the
notification links to the registrations to validate, is read once that page is opened, and is
settled for every coordinator by the first decision."""

import html

import pytest
from django.urls import reverse

from ess.models import Notification, NotificationKind
from members.models import RegistrationStatus
from members.services.registration import registration_accept, registration_refuse
from tests.factories import UserFactory
from tests.members.test_registration import GP_BLOIS, GP_ORLEANS, REVIEW, directory, register

pytestmark = pytest.mark.django_db

__all__ = ["directory"]  # the autouse fixture: the sample directory and the ESS's territory


def bell(user):
    return Notification.objects.filter(recipient=user, kind=NotificationKind.REGISTRATION)


def unread_badge(client) -> str:
    page = html.unescape(client.get(reverse("notification_list")).text)
    return page.split('id="notification-bell"', 1)[1].split("</a>", 1)[0]


def test_the_coordinators_are_notified_of_a_registration_to_validate(
    client, client_for, coordinator, manager
):
    other = UserFactory(coordinator=True)

    registration = register(client, GP_BLOIS, "b.saulnier@exemple.fr")

    assert registration.status == RegistrationStatus.PENDING
    for user in (coordinator, other):
        notification = bell(user).get()
        assert notification.url == REVIEW and notification.read_at is None
        assert notification.title.startswith("Inscription à valider : Bruno SAULNIER")
    assert not bell(manager).exists()
    page = html.unescape(client_for(coordinator).get(reverse("notification_list")).text)
    assert "Inscription à valider : Bruno SAULNIER" in page and f'href="{REVIEW}"' in page
    assert 'text-bg-warning">1<' in unread_badge(client_for(coordinator))


def test_opening_the_validation_page_clears_the_bell(client, client_for, coordinator):
    other = UserFactory(coordinator=True)
    register(client, GP_BLOIS, "b.saulnier@exemple.fr")

    client_for(coordinator).get(REVIEW)

    assert bell(coordinator).get().read_at is not None
    assert bell(other).get().read_at is None
    assert 'text-bg-warning">' not in unread_badge(client_for(coordinator))


@pytest.mark.parametrize("decide", ["accept", "refuse"])
def test_the_first_decision_settles_the_notification_for_every_coordinator(
    client, coordinator, decide
):
    other = UserFactory(coordinator=True)
    registration = register(client, GP_BLOIS, "b.saulnier@exemple.fr")

    if decide == "accept":
        registration_accept(registration_id=registration.pk, by=coordinator)
    else:
        registration_refuse(registration_id=registration.pk, by=coordinator, reason="Hors ESS.")

    assert bell(other).get().read_at is not None


def test_a_registration_of_the_territory_notifies_nobody(client, coordinator):
    register(client, GP_ORLEANS, "dr.noirfontaine@exemple.fr")

    assert not Notification.objects.exists()
