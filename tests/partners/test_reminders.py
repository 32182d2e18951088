"""Reminders 90 and 30 days before the end date and each evaluation date: once per threshold,
to the convention's referent and the managers, through the notification outbox."""

from datetime import timedelta

from django.utils import timezone

from ess.models import Notification, OutboundEmail
from partners.services import conventions_send_reminders
from partners.tasks import conventions_daily
from tests.factories import ConventionFactory, UserFactory


def reminders_for(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="convention_reminder")
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_each_threshold_is_reminded_once_to_the_referent_and_managers(
    db, manager, coordinator, time_machine
):
    today = timezone.localdate()
    referent = UserFactory(coordinator=True)
    convention = ConventionFactory(
        active=True, referent=referent, end_on=today + timedelta(days=120), title="Partenariat CPTS"
    )

    assert conventions_send_reminders(today=today) == 0
    time_machine.move_to(today + timedelta(days=30))  # 90 days left
    assert conventions_daily.apply().get()["reminded"] == 1
    assert conventions_daily.apply().get()["reminded"] == 0
    time_machine.move_to(today + timedelta(days=60))  # 60 days left: nothing new
    assert conventions_daily.apply().get()["reminded"] == 0
    time_machine.move_to(today + timedelta(days=91))  # 29 days left: the 30-day threshold
    assert conventions_daily.apply().get()["reminded"] == 1
    assert conventions_daily.apply().get()["reminded"] == 0

    for user in (referent, manager):
        titles = reminders_for(user)
        assert len(titles) == 2
        assert "« Partenariat CPTS » : fin le" in titles[0]
        assert "(dans 90 jours)" in titles[0]
        assert "(dans 29 jours)" in titles[1]
    assert reminders_for(coordinator) == []  # not the referent, not a manager
    assert convention.reminders.count() == 2
    assert OutboundEmail.objects.filter(to=referent.email).count() == 2


def test_evaluation_dates_are_reminded_too(db, manager):
    today = timezone.localdate()
    ConventionFactory(active=True, next_evaluation_on=today + timedelta(days=30))

    assert conventions_send_reminders(today=today) == 1
    assert conventions_send_reminders(today=today) == 0
    assert "évaluation le" in reminders_for(manager)[0]


def test_a_date_set_closer_than_90_days_gets_only_the_nearest_threshold(db, manager):
    today = timezone.localdate()
    convention = ConventionFactory(active=True, end_on=today + timedelta(days=20))

    assert conventions_send_reminders(today=today) == 1
    assert conventions_send_reminders(today=today + timedelta(days=1)) == 0
    assert set(convention.reminders.values_list("threshold_days", flat=True)) == {30, 90}
    assert len(reminders_for(manager)) == 1


def test_a_moved_end_date_gets_its_own_reminders(db, manager):
    today = timezone.localdate()
    convention = ConventionFactory(active=True, end_on=today + timedelta(days=30))
    assert conventions_send_reminders(today=today) == 1

    convention.end_on = today + timedelta(days=85)  # an amendment extends it
    convention.save()

    assert conventions_send_reminders(today=today) == 1
    assert len(reminders_for(manager)) == 2


def test_drafts_and_closed_conventions_are_not_reminded(db, manager):
    today = timezone.localdate()
    ConventionFactory(end_on=today + timedelta(days=30))
    ConventionFactory(
        status="terminated",
        termination_reason="Fin",
        end_on=today + timedelta(days=30),
    )

    assert conventions_send_reminders(today=today) == 0
