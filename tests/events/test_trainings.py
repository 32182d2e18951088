"""The trainings' management: a draft created, changed (places never below the registrants,
the waiting list served when places open), published, cancelled with its registrants told,
held once begun; the management list with its counts; refusals that change nothing."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ess.errors import Conflict, TransitionNotAllowed
from ess.models import OutboundEmail
from ess.workflow import available_actions
from events.demo.trainings import seed_trainings
from events.models import Registration, Training, TrainingEvent
from events.services import trainings as services
from tests.factories import (
    PartnerFactory,
    RegistrationFactory,
    TrainingFactory,
    UserFactory,
    cardiology,
)

pytestmark = pytest.mark.django_db


def fields(**changes) -> dict:
    starts = timezone.now() + timedelta(days=20)
    values = {
        "title": "Soirée ECG pour les IDE",
        "kind": "evening",
        "specialty": cardiology(),
        "summary": "Lire un ECG en ville.",
        "programme": "Cas cliniques.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "hours": Decimal("2"),
        "place": "Maison de santé d'Orléans",
        "video_url": "",
        "capacity": 12,
        "target_professions": ["infirmier", "medecin"],
    }
    return values | changes


def unmoved(training) -> dict:
    """The training's dates, place and video link as they are: a change that keeps them."""
    return {name: getattr(training, name) for name in services.TOLD_FIELDS}


def form_data(**changes) -> dict:
    starts = timezone.localtime(timezone.now() + timedelta(days=20))
    data = {
        "title": "Soirée ECG pour les IDE",
        "kind": "evening",
        "summary": "Lire un ECG en ville.",
        "programme": "Cas cliniques.",
        "starts_at": starts.strftime("%Y-%m-%dT19:30"),
        "ends_at": starts.strftime("%Y-%m-%dT21:30"),
        "hours": "2",
        "place": "Maison de santé d'Orléans",
        "video_url": "",
        "capacity": "12",
        "target_professions": ["infirmier"],
    }
    return data | changes


# --- Services ---------------------------------------------------------------------------------
def test_a_manager_creates_a_draft_with_its_speakers_and_partners(manager, specialist):
    partner = PartnerFactory()

    training = services.training_create(
        by=manager, speakers=[specialist], partners=[partner], **fields()
    )

    assert training.status == "draft"
    assert training.organiser == manager
    assert list(training.speakers.all()) == [specialist]
    assert list(training.partners.all()) == [partner]
    assert training.target_professions == ["infirmier", "medecin"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Donnez un intitulé"),
        ({"place": "", "video_url": ""}, "place", "un lieu ou un lien de visioconférence"),
        ({"capacity": 0}, "capacity", "au moins une place"),
        ({"hours": Decimal("0.2")}, "hours", "au moins une demi-heure"),
    ],
)
def test_a_training_without_what_it_needs_is_refused(manager, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        services.training_create(by=manager, **fields(**changes))

    assert message in " ".join(refused.value.message_dict[field])
    assert not Training.objects.exists()


def test_a_training_ending_before_it_starts_is_refused(manager):
    starts = timezone.now() + timedelta(days=3)

    with pytest.raises(ValidationError) as refused:
        services.training_create(
            by=manager, **fields(starts_at=starts, ends_at=starts - timedelta(hours=1))
        )

    assert (
        "La fin de la formation doit venir après son début."
        in refused.value.message_dict["ends_at"]
    )
    assert not Training.objects.exists()


def test_only_members_and_specialists_may_speak(manager, requester):
    with pytest.raises(ValidationError) as refused:
        services.training_create(by=manager, speakers=[requester], **fields())

    assert requester.display_name in refused.value.message_dict["speakers"][0]
    assert not Training.objects.exists()


@pytest.mark.parametrize("persona", ["specialist", "requester", "paramedic", "authority"])
def test_only_the_management_creates_trainings(persona, request):
    with pytest.raises(PermissionDenied):
        services.training_create(by=request.getfixturevalue(persona), **fields())


def test_a_coordinator_manages_trainings_too(coordinator):
    training = services.training_create(by=coordinator, **fields())

    assert training.organiser == coordinator


def test_places_never_go_below_the_confirmed_registrants(manager):
    training = TrainingFactory(capacity=3)
    RegistrationFactory.create_batch(3, training=training)

    with pytest.raises(ValidationError) as refused:
        services.training_update(training_id=training.pk, by=manager, **fields(capacity=2))

    assert "3 personnes sont déjà inscrites" in refused.value.message_dict["capacity"][0]
    training.refresh_from_db()
    assert training.capacity == 3
    assert training.title != "Soirée ECG pour les IDE"


def test_more_places_go_to_the_first_on_the_waiting_list(manager):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    now = timezone.now()
    second = RegistrationFactory(training=training, waitlisted=True, waitlisted_at=now)
    first = RegistrationFactory(
        training=training, waitlisted=True, waitlisted_at=now - timedelta(hours=1)
    )
    third = RegistrationFactory(
        training=training, waitlisted=True, waitlisted_at=now + timedelta(hours=1)
    )

    services.training_update(
        training_id=training.pk, by=manager, **fields(capacity=3, **unmoved(training))
    )

    for registration in (first, second, third):
        registration.refresh_from_db()
    assert (first.status, second.status, third.status) == ("confirmed", "confirmed", "waitlisted")
    assert first.confirmed_at is not None
    told = set(OutboundEmail.objects.values_list("to", flat=True))
    assert told == {first.email, second.email}
    assert "Une place s'est libérée" in OutboundEmail.objects.get(to=first.email).subject


def test_a_held_or_cancelled_training_no_longer_changes(manager):
    training = TrainingFactory(cancelled=True)

    with pytest.raises(Conflict):
        services.training_update(training_id=training.pk, by=manager, **fields())


def test_publishing_opens_the_draft_and_keeps_its_history(manager):
    training = TrainingFactory(draft=True)

    services.training_publish(training_id=training.pk, by=manager)
    services.training_publish(training_id=training.pk, by=manager)  # a retried request

    training.refresh_from_db()
    assert training.status == "published"
    assert training.published_at is not None
    event = TrainingEvent.objects.get(training=training)
    assert (event.from_status, event.to_status, event.actor) == ("draft", "published", manager)


def test_a_training_already_begun_is_not_published_nor_offered_to_be(manager, client_for):
    training = TrainingFactory(draft=True, starts_at=timezone.now() - timedelta(hours=1))
    publish = reverse("events:publish", args=[training.public_id])

    with pytest.raises(Conflict):
        services.training_publish(training_id=training.pk, by=manager)

    training.refresh_from_db()
    assert training.status == "draft"
    assert publish not in client_for(manager).get(reverse("events:manage")).text


def test_cancelling_needs_a_reason_and_tells_the_registrants(manager):
    training = TrainingFactory()
    confirmed = RegistrationFactory(training=training)
    waiting = RegistrationFactory(training=training, waitlisted=True)
    pending = RegistrationFactory(training=training, pending=True)
    gone = RegistrationFactory(training=training, status="cancelled", confirmed_at=None)

    with pytest.raises(ValidationError):
        services.training_cancel(training_id=training.pk, by=manager, reason=" ")
    assert not OutboundEmail.objects.exists()

    services.training_cancel(training_id=training.pk, by=manager, reason="Intervenant malade.")

    training.refresh_from_db()
    assert training.status == "cancelled"
    assert training.cancel_reason == "Intervenant malade."
    told = set(OutboundEmail.objects.values_list("to", flat=True))
    assert told == {confirmed.email, waiting.email, pending.email}
    assert gone.email not in told
    body = OutboundEmail.objects.get(to=confirmed.email).body_text
    assert "Intervenant malade." in body
    assert training.title in body
    assert TrainingEvent.objects.get(training=training).note == "Intervenant malade."


def test_a_held_training_cannot_be_cancelled(manager):
    training = TrainingFactory(held=True, starts_at=timezone.now() - timedelta(days=2))

    with pytest.raises(TransitionNotAllowed) as refused:
        services.training_cancel(training_id=training.pk, by=manager, reason="Trop tard.")

    assert "est « Tenue »" in str(refused.value)


def test_a_training_is_held_only_once_begun(manager):
    coming = TrainingFactory()
    begun = TrainingFactory(starts_at=timezone.now() - timedelta(minutes=30))

    with pytest.raises(Conflict):
        services.training_hold(training_id=coming.pk, by=manager)
    services.training_hold(training_id=begun.pk, by=manager)

    coming.refresh_from_db()
    begun.refresh_from_db()
    assert coming.status == "published"
    assert begun.status == "held"
    assert begun.held_at is not None


def test_a_draft_cannot_be_held(manager):
    draft = TrainingFactory(draft=True, starts_at=timezone.now() - timedelta(minutes=30))

    with pytest.raises(TransitionNotAllowed):
        services.training_hold(training_id=draft.pk, by=manager)


def test_the_buttons_follow_what_the_services_accept(manager, specialist):
    draft = TrainingFactory(draft=True)
    begun = TrainingFactory(starts_at=timezone.now() - timedelta(minutes=30))

    assert available_actions(manager, draft) == ["publish", "cancel"]
    assert available_actions(manager, TrainingFactory()) == ["cancel"]
    assert available_actions(manager, begun) == ["hold", "cancel"]
    assert available_actions(manager, TrainingFactory(cancelled=True)) == []
    assert available_actions(specialist, draft) == []


# --- Pages ------------------------------------------------------------------------------------
def test_the_management_list_shows_every_training_with_its_counts(manager, client_for):
    draft = TrainingFactory(draft=True, title="Brouillon de webinaire")
    training = TrainingFactory(capacity=10)
    RegistrationFactory.create_batch(3, training=training)
    RegistrationFactory(training=training, waitlisted=True)
    RegistrationFactory.create_batch(2, training=training, pending=True)

    response = client_for(manager).get(reverse("events:manage"))

    assert response.status_code == 200
    assert draft.title in response.text
    row = response.text.split(training.title)[1].split("</tr>")[0]
    assert "3 / 10" in row
    assert "<td>1</td>" in row
    assert "<td>2</td>" in row
    assert reverse("events:publish", args=[draft.public_id]) in response.text


@pytest.mark.parametrize("persona", ["specialist", "requester", "paramedic", "authority"])
def test_the_management_list_is_for_managers_and_coordinators(persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(reverse("events:manage"))

    assert response.status_code == 403


def test_the_management_list_costs_the_same_whatever_the_number_of_trainings(
    manager, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    speaker = UserFactory(specialist=True)
    first = TrainingFactory()
    first.speakers.add(speaker)
    RegistrationFactory(training=first)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("events:manage"))
    for n in range(6):
        training = TrainingFactory(title=f"Formation {n}", draft=n % 2 == 0)
        training.speakers.add(UserFactory(specialist=True))
        RegistrationFactory.create_batch(2, training=training)
        RegistrationFactory(training=training, waitlisted=True)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("events:manage"))

    assert all(f"Formation {n}" in response.text for n in range(6))


def test_the_menu_offers_the_trainings_to_the_management(manager, specialist, client_for):
    assert 'href="/evenements/gestion/"' in client_for(manager).get("/").text
    assert 'href="/evenements/gestion/"' not in client_for(specialist).get("/").text


def test_a_manager_creates_a_training_from_the_form(manager, specialist, client_for):
    client = client_for(manager)
    assert client.get(reverse("events:create")).status_code == 200

    response = client.post(
        reverse("events:create"),
        form_data(speakers=[str(specialist.pk)], hours="1,5"),
        follow=True,
    )

    training = Training.objects.get()
    assert training.hours == Decimal("1.5")
    assert training.status == "draft"
    assert list(training.speakers.all()) == [specialist]
    assert training.target_professions == ["infirmier"]
    assert timezone.localtime(training.starts_at).strftime("%H:%M") == "19:30"
    assert "enregistrée en brouillon" in response.text


def test_a_training_starting_in_the_past_is_refused_on_the_form(manager, client_for):
    yesterday = timezone.localtime(timezone.now() - timedelta(days=1))

    response = client_for(manager).post(
        reverse("events:create"),
        form_data(
            starts_at=yesterday.strftime("%Y-%m-%dT19:30"),
            ends_at=yesterday.strftime("%Y-%m-%dT21:30"),
        ),
    )

    assert "Ce début est déjà passé" in html.unescape(response.text)
    assert 'value="Soirée ECG pour les IDE"' in response.text  # the form as typed
    assert not Training.objects.exists()


def test_the_form_says_in_french_what_is_wrong_and_writes_nothing(manager, client_for):
    data = form_data(place="", video_url="")
    data["ends_at"] = data["starts_at"].replace("T19:30", "T18:00")

    response = client_for(manager).post(reverse("events:create"), data)

    assert response.status_code == 200
    assert "La fin de la formation doit venir après son début." in response.text
    assert "Indiquez un lieu ou un lien de visioconférence." in response.text
    assert not Training.objects.exists()


def test_the_edit_form_refuses_fewer_places_than_registrants(manager, client_for):
    training = TrainingFactory(capacity=4)
    RegistrationFactory.create_batch(3, training=training)
    client = client_for(manager)
    page = client.get(reverse("events:edit", args=[training.public_id]))
    assert training.title in page.text

    response = client.post(
        reverse("events:edit", args=[training.public_id]), form_data(capacity="2")
    )

    assert "3 personnes sont déjà inscrites" in response.text
    training.refresh_from_db()
    assert training.capacity == 4


def test_a_cancelled_training_has_no_edit_page(manager, client_for):
    training = TrainingFactory(cancelled=True)

    response = client_for(manager).get(reverse("events:edit", args=[training.public_id]))

    assert response.status_code == 403


def test_the_buttons_publish_hold_and_cancel(manager, client_for):
    client = client_for(manager)
    draft = TrainingFactory(draft=True)
    begun = TrainingFactory(starts_at=timezone.now() - timedelta(minutes=10))
    other = TrainingFactory()

    client.post(reverse("events:publish", args=[draft.public_id]))
    client.post(reverse("events:hold", args=[begun.public_id]))
    refused = client.post(reverse("events:cancel", args=[other.public_id]), {"reason": ""})
    still = Training.objects.get(pk=other.pk).status
    client.post(reverse("events:cancel", args=[other.public_id]), {"reason": "Salle fermée."})

    assert refused.status_code == 302
    assert still == "published"
    assert Training.objects.get(pk=draft.pk).status == "published"
    assert Training.objects.get(pk=begun.pk).status == "held"
    assert Training.objects.get(pk=other.pk).status == "cancelled"


def test_holding_too_early_says_why_and_changes_nothing(manager, client_for):
    training = TrainingFactory()

    response = client_for(manager).post(
        reverse("events:hold", args=[training.public_id]), follow=True
    )

    assert "pas encore commencé" in response.text
    assert Training.objects.get(pk=training.pk).status == "published"


def test_someone_outside_the_management_never_finds_a_training(specialist, client_for):
    training = TrainingFactory(draft=True)
    client = client_for(specialist)

    assert client.get(reverse("events:edit", args=[training.public_id])).status_code == 404
    response = client.post(reverse("events:publish", args=[training.public_id]))

    assert response.status_code == 404
    assert Training.objects.get(pk=training.pk).status == "draft"
    assert not Registration.objects.exists()


# --- Demo -------------------------------------------------------------------------------------
def test_the_demo_plays_its_trainings_through_the_services_once(db):
    users = {
        "direction": UserFactory(manager=True),
        "coordination": UserFactory(coordinator=True),
        "cardiologue": UserFactory(specialist=True),
        "medecin": UserFactory(requester=True),
        "medecin2": UserFactory(requester=True),
        "ipa": UserFactory(paramedic=True),
    }

    seed_trainings(users)
    seed_trainings(users)

    held, coming, draft = Training.objects.order_by("starts_at")
    assert (held.status, coming.status, draft.status) == ("held", "published", "draft")
    today = timezone.localdate()
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    assert held.starts_at.date() < quarter_start
    assert held.starts_at.date() >= quarter_start - timedelta(days=92)
    present = held.registrations.filter(attended=True)
    assert present.filter(user=users["medecin"]).exists()
    assert present.filter(user=users["medecin2"]).exists()
    assert held.registrations.filter(attended=False).count() == 1
    assert coming.capacity - coming.registrations.filter(status="confirmed").count() == 2
    assert list(held.speakers.all()) == [users["cardiologue"]]


def test_moving_a_published_training_tells_its_registrants_and_reminds_them_again(manager):
    training = TrainingFactory(**fields(title="Soirée ECG"))
    confirmed = RegistrationFactory(training=training, reminded_at=timezone.now())
    waiting = RegistrationFactory(training=training, waitlisted=True)
    pending = RegistrationFactory(training=training, pending=True)
    gone = RegistrationFactory(training=training, status="cancelled", confirmed_at=None)
    was = timezone.localtime(training.starts_at)
    later = training.starts_at + timedelta(days=7)

    services.training_update(
        training_id=training.pk,
        by=manager,
        **fields(title="Soirée ECG", starts_at=later, ends_at=later + timedelta(hours=2)),
    )

    told = set(OutboundEmail.objects.values_list("to", flat=True))
    assert told == {confirmed.email, waiting.email, pending.email}
    assert gone.email not in told
    email = OutboundEmail.objects.get(to=confirmed.email)
    assert email.subject == "[ESS] Formation modifiée : Soirée ECG"
    new = timezone.localtime(later)
    assert f"{new:%H:%M}" in email.body_text
    assert "elle commençait le" in email.body_text
    assert f"{was.day} " in email.body_text.split("elle commençait le")[1]
    assert "Maison de santé d'Orléans" in email.body_text
    assert str(confirmed.public_id) in email.body_text  # the page to cancel from
    confirmed.refresh_from_db()
    assert confirmed.reminded_at is None  # the reminder goes again, the day before the new date


def test_a_new_place_is_told_without_a_date_and_other_changes_tell_nobody(manager):
    training = TrainingFactory(**fields())
    registration = RegistrationFactory(training=training)
    draft = TrainingFactory(draft=True, **fields())
    RegistrationFactory(training=draft)

    services.training_update(
        training_id=training.pk,
        by=manager,
        **fields(starts_at=training.starts_at, ends_at=training.ends_at, summary="Autre résumé."),
    )
    assert not OutboundEmail.objects.exists()

    services.training_update(
        training_id=training.pk,
        by=manager,
        **fields(
            starts_at=training.starts_at, ends_at=training.ends_at, place="CHR d'Orléans, salle 2"
        ),
    )
    services.training_update(
        training_id=draft.pk, by=manager, **fields(place="CHR d'Orléans, salle 2")
    )

    (email,) = OutboundEmail.objects.all()
    assert email.to == registration.email
    assert "CHR d'Orléans, salle 2" in email.body_text
    assert "elle commençait" not in email.body_text


def test_the_edit_page_of_a_published_training_says_registrants_will_be_told(manager, client_for):
    training = TrainingFactory(**fields())
    registration = RegistrationFactory(training=training)
    client = client_for(manager)
    url = reverse("events:edit", args=[training.public_id])
    assert "chaque inscrit" in client.get(url).text
    moved = timezone.localtime(training.starts_at + timedelta(days=1))

    response = client.post(
        url,
        form_data(
            starts_at=moved.strftime("%Y-%m-%dT19:30"), ends_at=moved.strftime("%Y-%m-%dT21:30")
        ),
    )

    assert response.status_code == 302
    (email,) = OutboundEmail.objects.all()
    assert email.to == registration.email
    assert "19:30" in email.body_text
