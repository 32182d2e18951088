"""Registering to a training: a signed-in professional in one click, anyone else by confirming
their email address; places in order, then the waiting list; a cancellation hands the place to
the first waitlisted; the reminder the day before, sent once."""

import html
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ess.models import OutboundEmail
from ess.workflow import locked
from events import tasks
from events.models import Registration, Training
from events.services import registrations as services
from events.services.trainings import training_cancel
from tests.factories import OrganisationFactory, RegistrationFactory, TrainingFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
VALID_RPPS = "10000000009"  # 11 digits, Luhn-valid
FORM = {
    "first_name": "Claire",
    "last_name": "Martin",
    "email": "Claire.Martin@Exemple.fr",
    "profession": "infirmier",
    "rpps": "",
    "organisation": "Cabinet infirmier du Centre",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


def emails_to(address: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=address).order_by("pk"))


def register_url(training) -> str:
    return reverse("events:register", args=[training.public_id])


def confirm_link_of(email: OutboundEmail) -> str:
    start = email.body_text.index("/evenements/inscriptions/")
    return email.body_text[start:].split()[0]


# ---------------------------------------------------------------------------------------------
# Signed in: one click
# ---------------------------------------------------------------------------------------------
def test_a_signed_in_professional_registers_with_one_click(client_for):
    gp = UserFactory(requester=True, organisation=OrganisationFactory(name="MSP des Bords"))
    training = TrainingFactory()

    response = client_for(gp).post(register_url(training), follow=True)

    registration = Registration.objects.get(training=training)
    assert registration.user == gp
    assert registration.email == gp.email.lower()
    assert (registration.first_name, registration.last_name) == (gp.first_name, gp.last_name)
    assert registration.organisation == "MSP des Bords"
    assert registration.status == "confirmed"
    assert registration.confirmed_at is not None
    assert "Votre inscription est confirmée." in text(response)
    assert "Inscrit·e" in text(response)
    [email] = emails_to(registration.email)
    assert "Inscription confirmée" in email.subject


def test_a_signed_in_professional_on_a_full_training_is_waitlisted_at_once(client_for):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    gp = UserFactory(requester=True)

    response = client_for(gp).post(register_url(training), follow=True)

    registration = Registration.objects.get(training=training, user=gp)
    assert registration.status == "waitlisted"
    assert registration.waitlisted_at is not None
    assert "vous êtes inscrit·e sur la liste d'attente" in text(response)
    assert "Liste d'attente" in emails_to(registration.email)[0].subject


def test_registering_twice_with_the_same_account_is_refused_and_changes_nothing(client_for):
    gp = UserFactory(requester=True)
    training = TrainingFactory()
    client = client_for(gp)
    client.post(register_url(training))

    response = client.post(register_url(training), follow=True)

    assert "Vous êtes déjà inscrit·e à cette formation" in text(response)
    assert Registration.objects.filter(training=training).count() == 1
    assert len(emails_to(gp.email.lower())) == 1


def test_an_account_whose_address_already_registered_without_account_is_refused(client_for):
    gp = UserFactory(requester=True, email="dr.durand@exemple.fr")
    training = TrainingFactory()
    RegistrationFactory(training=training, email="dr.durand@exemple.fr", pending=True)

    response = client_for(gp).post(register_url(training), follow=True)

    assert "Vous êtes déjà inscrit·e à cette formation" in text(response)
    assert Registration.objects.filter(training=training).count() == 1


def test_registering_again_after_cancelling_is_possible(client_for):
    gp = UserFactory(requester=True)
    training = TrainingFactory()
    first = services.registration_create(training_id=training.pk, by=gp)
    services.registration_cancel(registration_id=first.pk, by=gp)

    again = services.registration_create(training_id=training.pk, by=gp)

    assert again.status == "confirmed"


# ---------------------------------------------------------------------------------------------
# Without an account: the form, then the emailed link
# ---------------------------------------------------------------------------------------------
def test_a_title_with_an_apostrophe_reads_as_typed_in_the_email_s_subject_and_text(client):
    training = TrainingFactory(title="Webinaire : l'ECG & <les> « bases »")

    client.post(register_url(training), FORM)

    [email] = emails_to("claire.martin@exemple.fr")
    assert email.subject == (
        "[ESS] Confirmez votre inscription : Webinaire : l'ECG & <les> « bases »"
    )
    assert "Webinaire : l'ECG & <les> « bases »" in email.body_text


def test_anyone_registers_with_the_form_and_confirms_through_the_emailed_link(client):
    training = TrainingFactory()

    response = client.post(register_url(training), FORM)

    assert "Un courriel vient de vous être envoyé à claire.martin@exemple.fr" in (text(response))
    registration = Registration.objects.get(training=training)
    assert registration.status == "pending"
    assert registration.user is None
    assert registration.organisation == "Cabinet infirmier du Centre"
    [email] = emails_to("claire.martin@exemple.fr")
    assert "Confirmez votre inscription" in email.subject
    link = confirm_link_of(email)
    assert str(registration.public_id) in link

    page = client.get(link)  # a mail scanner following the link changes nothing
    assert page.status_code == 200
    assert "Confirmer mon inscription" in text(page)
    registration.refresh_from_db()
    assert registration.status == "pending"

    done = client.post(link, follow=True)

    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert "Votre inscription est confirmée." in text(done)
    assert len(emails_to("claire.martin@exemple.fr")) == 2


def test_a_confirmation_on_a_full_training_goes_on_the_waiting_list():
    training = TrainingFactory(capacity=1)
    registration = services.registration_create(training_id=training.pk, **FORM)
    RegistrationFactory(training=training)

    services.registration_confirm(registration_id=registration.pk)

    registration.refresh_from_db()
    assert registration.status == "waitlisted"
    assert registration.waitlisted_at is not None


def test_confirming_twice_is_a_no_op():
    training = TrainingFactory()
    registration = services.registration_create(training_id=training.pk, **FORM)
    services.registration_confirm(registration_id=registration.pk)

    services.registration_confirm(registration_id=registration.pk)

    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert len(emails_to(registration.email)) == 2  # the link, then "confirmed": once


def test_a_confirmed_link_opened_again_leads_to_the_registration_page(client):
    registration = RegistrationFactory()

    response = client.get(reverse("events:registration_confirm", args=[registration.public_id]))

    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration", args=[registration.public_id])


def test_the_same_email_twice_without_account_is_refused(client):
    training = TrainingFactory()
    client.post(register_url(training), FORM)

    response = client.post(register_url(training), {**FORM, "first_name": "Autre"})

    assert "Vous êtes déjà inscrit·e à cette formation" in text(response)
    assert Registration.objects.filter(training=training).count() == 1


def test_a_bad_rpps_is_refused_and_nothing_is_written(client):
    training = TrainingFactory()

    response = client.post(register_url(training), {**FORM, "rpps": "10000000008"})

    assert response.status_code == 200
    assert "La clé du numéro RPPS est incorrecte" in text(response)
    assert not Registration.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_valid_rpps_is_kept():
    training = TrainingFactory()

    registration = services.registration_create(
        training_id=training.pk, **{**FORM, "rpps": VALID_RPPS}
    )

    assert registration.rpps == VALID_RPPS


def test_the_service_checks_the_rpps_too():
    training = TrainingFactory()
    with pytest.raises(ValidationError):
        services.registration_create(training_id=training.pk, **{**FORM, "rpps": "123"})
    assert not Registration.objects.exists()


def test_registrations_without_account_are_throttled(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "event_registration": "2/h/ip"}
    training = TrainingFactory()
    for n in range(2):
        client.post(register_url(training), {**FORM, "email": f"pro{n}@exemple.fr"})

    response = client.post(register_url(training), {**FORM, "email": "pro9@exemple.fr"})

    assert response.status_code == 429
    assert "Trop de demandes" in text(response)
    assert not Registration.objects.filter(email="pro9@exemple.fr").exists()


def test_a_stale_link_answers_not_found(client):
    stale = uuid.uuid4()
    for name in ("events:registration", "events:registration_confirm"):
        assert client.get(reverse(name, args=[stale])).status_code == 404
    assert client.post(reverse("events:registration_cancel", args=[stale])).status_code == 404


def test_a_cancelled_registration_cannot_be_confirmed(client):
    registration = RegistrationFactory(pending=True)
    services.registration_cancel(registration_id=registration.pk)

    response = client.post(
        reverse("events:registration_confirm", args=[registration.public_id]), follow=True
    )

    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert "Cette inscription a été annulée" in text(response)


def test_registrations_close_once_the_training_started(client):
    training = TrainingFactory(starts_at=timezone.now() - timedelta(minutes=5))

    response = client.post(register_url(training), FORM)

    assert "Les inscriptions à cette formation sont closes." in text(response)
    assert not Registration.objects.exists()


@pytest.mark.parametrize("trait", ["draft", "cancelled"])
def test_nobody_registers_to_a_draft_or_cancelled_training(client, trait):
    training = TrainingFactory(**{trait: True})

    response = client.post(register_url(training), FORM)

    assert response.status_code == 404
    assert not Registration.objects.exists()


# ---------------------------------------------------------------------------------------------
# Cancelling, and the waiting list
# ---------------------------------------------------------------------------------------------
def test_cancelling_frees_the_place_for_the_first_waitlisted_who_is_told(client):
    training = TrainingFactory(capacity=1)
    holder = RegistrationFactory(training=training)
    now = timezone.now()
    second = RegistrationFactory(training=training, waitlisted=True, waitlisted_at=now)
    first = RegistrationFactory(
        training=training, waitlisted=True, waitlisted_at=now - timedelta(hours=1)
    )

    response = client.post(
        reverse("events:registration_cancel", args=[holder.public_id]), follow=True
    )

    assert "Votre inscription est annulée." in text(response)
    holder.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert holder.status == "cancelled" and holder.cancelled_at is not None
    assert first.status == "confirmed" and first.confirmed_at is not None
    assert second.status == "waitlisted"
    [email] = emails_to(first.email)
    assert "Une place s'est libérée" in email.subject
    assert str(first.public_id) in email.body_text
    assert not emails_to(second.email)


def test_cancelling_twice_is_a_no_op():
    training = TrainingFactory(capacity=1)
    holder = RegistrationFactory(training=training)
    waiting = RegistrationFactory(training=training, waitlisted=True)
    services.registration_cancel(registration_id=holder.pk)
    services.registration_cancel(registration_id=waiting.pk)

    again = services.registration_cancel(registration_id=holder.pk)

    assert again.status == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"
    assert len(emails_to(waiting.email)) == 1  # promoted once


def test_a_waitlisted_registrant_cancelling_frees_nothing():
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    leaving = RegistrationFactory(training=training, waitlisted=True)
    staying = RegistrationFactory(training=training, waitlisted=True)

    services.registration_cancel(registration_id=leaving.pk)

    staying.refresh_from_db()
    assert staying.status == "waitlisted"


def test_raising_the_places_promotes_the_waiting_list_in_order():
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    now = timezone.now()
    waiting = [
        RegistrationFactory(
            training=training, waitlisted=True, waitlisted_at=now + timedelta(minutes=n)
        )
        for n in range(3)
    ]
    training.capacity = 3
    training.save(update_fields=["capacity"])

    with transaction.atomic():
        promoted = services.promote_waitlist(locked(Training, training.pk))

    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_a_registration_cannot_be_cancelled_once_the_training_started(client):
    registration = RegistrationFactory(
        training=TrainingFactory(starts_at=timezone.now() - timedelta(minutes=5))
    )

    response = client.post(
        reverse("events:registration_cancel", args=[registration.public_id]), follow=True
    )

    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert "ne peut plus être annulée" in text(response)


def test_cancelling_needs_a_post(client):
    registration = RegistrationFactory()

    response = client.get(reverse("events:registration_cancel", args=[registration.public_id]))

    assert response.status_code == 405
    registration.refresh_from_db()
    assert registration.status == "confirmed"


# ---------------------------------------------------------------------------------------------
# The registrant's page
# ---------------------------------------------------------------------------------------------
def test_the_video_link_shows_on_a_confirmed_registrants_page_only(client):
    training = TrainingFactory(place="", video_url="https://visio.exemple.fr/formation-ic")
    confirmed = RegistrationFactory(training=training)
    waiting = RegistrationFactory(training=training, waitlisted=True)

    mine = client.get(reverse("events:registration", args=[confirmed.public_id]))
    theirs = client.get(reverse("events:registration", args=[waiting.public_id]))
    public = client.get(reverse("events:detail", args=[training.public_id]))

    assert "https://visio.exemple.fr/formation-ic" in text(mine)
    assert "Annuler mon inscription" in text(mine)
    assert "https://visio.exemple.fr/formation-ic" not in text(theirs)
    assert "En liste d'attente" in text(theirs)
    assert "https://visio.exemple.fr/formation-ic" not in text(public)
    assert "en visioconférence" in text(public)


def test_a_cancelled_registrations_page_offers_no_cancel_button(client):
    registration = RegistrationFactory(status="cancelled", cancelled_at=timezone.now())

    response = client.get(reverse("events:registration", args=[registration.public_id]))

    assert "Annulée" in text(response)
    assert "Annuler mon inscription" not in text(response)


def test_my_registrations_lists_the_users_own(client_for):
    gp = UserFactory(requester=True)
    mine = services.registration_create(training_id=TrainingFactory().pk, by=gp)
    other = RegistrationFactory()

    response = client_for(gp).get(reverse("events:my_registrations"))

    body = text(response)
    assert mine.training.title in body
    assert other.training.title not in body


def test_my_registrations_say_when_a_training_was_cancelled(client_for, manager):
    gp = UserFactory(requester=True)
    kept = services.registration_create(training_id=TrainingFactory().pk, by=gp)
    dropped = services.registration_create(training_id=TrainingFactory().pk, by=gp)
    training_cancel(training_id=dropped.training_id, by=manager, reason="Salle indisponible")

    page = text(client_for(gp).get(reverse("events:my_registrations")))
    rows = page.split("<tr>")

    assert "Formation annulée" in next(r for r in rows if dropped.training.title in r)
    assert "Formation annulée" not in next(r for r in rows if kept.training.title in r)


def test_my_registrations_needs_signing_in(client):
    response = client.get(reverse("events:my_registrations"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------
# The day-before reminder
# ---------------------------------------------------------------------------------------------
def _at(day, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=PARIS).replace(hour=hour)


def test_confirmed_registrants_of_tomorrows_trainings_are_reminded_once(time_machine):
    today = timezone.localdate() + timedelta(days=3)
    time_machine.move_to(_at(today, 9), tick=False)
    tomorrow_evening = TrainingFactory(
        starts_at=_at(today + timedelta(days=1), 20), video_url="https://visio.exemple.fr/x"
    )
    late_tonight = TrainingFactory(starts_at=_at(today, 23))
    after_tomorrow = TrainingFactory(starts_at=_at(today + timedelta(days=2), 0))
    confirmed = RegistrationFactory(training=tomorrow_evening)
    waiting = RegistrationFactory(training=tomorrow_evening, waitlisted=True)
    pending = RegistrationFactory(training=tomorrow_evening, pending=True)
    tonight = RegistrationFactory(training=late_tonight)
    later = RegistrationFactory(training=after_tomorrow)

    assert tasks.remind_tomorrows_trainings.delay().get() == 1
    assert tasks.remind_tomorrows_trainings.delay().get() == 0

    [email] = emails_to(confirmed.email)
    assert "Rappel" in email.subject
    assert "https://visio.exemple.fr/x" in email.body_text
    confirmed.refresh_from_db()
    assert confirmed.reminded_at is not None
    for other in (waiting, pending, tonight, later):
        assert not emails_to(other.email)


def test_the_reminder_task_is_on_beats_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "events.tasks.remind_tomorrows_trainings" in tasks_scheduled


def test_a_registrants_page_tells_that_the_training_was_cancelled(client):
    training = TrainingFactory(cancelled=True, cancel_reason="Intervenante malade.")
    registration = RegistrationFactory(
        training=training, status="cancelled", cancelled_at=timezone.now()
    )

    response = client.get(reverse("events:registration", args=[registration.public_id]))

    assert "Cette formation est annulée. Motif : Intervenante malade." in text(response)
