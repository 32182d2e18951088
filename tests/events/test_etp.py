"""ETP programmes and their sessions: the management and the coordination record them, the
specialists read them, nobody else sees they exist; a session holds a count of patients, never
a name; an ARS authorisation number is recorded once."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ess.errors import Conflict
from events.demo.etp import seed_etp
from events.models import EtpProgramme, EtpSession
from events.services import etp as services
from tests.factories import (
    EtpProgrammeFactory,
    EtpSessionFactory,
    MembershipFactory,
    UserFactory,
    cardiology,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def detail(programme) -> str:
    return reverse("events:etp_detail", args=[programme.public_id])


def programme_fields(**overrides) -> dict:
    fields = {
        "title": "Vivre avec une insuffisance cardiaque",
        "authorisation_number": "ETP-45-0001",
        "authorised_on": TODAY() - timedelta(days=300),
        "specialty": cardiology(),
        "coordinator_name": "CHR d'Orléans",
    }
    return {**fields, **overrides}


def session_fields(**overrides) -> dict:
    fields = {
        "held_on": TODAY() - timedelta(days=3),
        "topic": "Surveiller son poids",
        "patients_count": 7,
    }
    return {**fields, **overrides}


# --- Services ---------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["manager", "coordinator"])
def test_the_management_records_a_programme(persona, request):
    programme = services.etp_programme_create(
        by=request.getfixturevalue(persona), **programme_fields()
    )

    assert programme.authorisation_number == "ETP-45-0001"
    assert programme.is_active


@pytest.mark.parametrize("persona", ["specialist", "paramedic", "requester", "authority"])
def test_nobody_else_records_a_programme(persona, request):
    with pytest.raises(PermissionDenied):
        services.etp_programme_create(by=request.getfixturevalue(persona), **programme_fields())
    assert not EtpProgramme.objects.exists()


def test_an_authorisation_number_is_recorded_once(coordinator):
    EtpProgrammeFactory(title="Programme diabète", authorisation_number="ETP-45-0001")

    with pytest.raises(ValidationError) as refused:
        services.etp_programme_create(
            by=coordinator, **programme_fields(authorisation_number=" etp-45-0001 ")
        )

    assert refused.value.message_dict["authorisation_number"] == [
        "Le numéro d'autorisation ARS « etp-45-0001 » est déjà celui du programme "
        "« Programme diabète »."
    ]
    assert EtpProgramme.objects.count() == 1


def test_a_programme_keeps_its_own_number_when_edited(coordinator):
    programme = EtpProgrammeFactory(authorisation_number="ETP-45-0002")

    services.etp_programme_update(
        programme_id=programme.pk,
        by=coordinator,
        **programme_fields(authorisation_number="ETP-45-0002", title="Nouveau titre"),
    )

    programme.refresh_from_db()
    assert programme.title == "Nouveau titre"


def test_a_programme_needs_a_title_a_number_and_a_past_authorisation(coordinator):
    with pytest.raises(ValidationError) as no_title:
        services.etp_programme_create(by=coordinator, **programme_fields(title=" "))
    with pytest.raises(ValidationError) as no_number:
        services.etp_programme_create(by=coordinator, **programme_fields(authorisation_number=""))
    with pytest.raises(ValidationError) as future:
        services.etp_programme_create(
            by=coordinator, **programme_fields(authorised_on=TODAY() + timedelta(days=1))
        )

    assert "title" in no_title.value.message_dict
    assert "authorisation_number" in no_number.value.message_dict
    assert "authorised_on" in future.value.message_dict
    assert not EtpProgramme.objects.exists()


def test_a_session_counts_patients_with_facilitators_among_members(coordinator):
    programme = EtpProgrammeFactory()
    nurse = UserFactory(paramedic=True)
    member = MembershipFactory(active=True).user

    session = services.etp_session_record(
        programme_id=programme.pk,
        by=coordinator,
        **session_fields(facilitators=[nurse, member]),
    )

    assert session.patients_count == 7
    assert set(session.facilitators.all()) == {nurse, member}
    assert session.recorded_by == coordinator


def test_a_facilitator_from_outside_the_ess_is_refused(coordinator, requester):
    programme = EtpProgrammeFactory()

    with pytest.raises(ValidationError) as refused:
        services.etp_session_record(
            programme_id=programme.pk, by=coordinator, **session_fields(facilitators=[requester])
        )

    assert refused.value.message_dict["facilitators"] == [
        f"{requester.display_name} n'est pas membre de l'ESS."
    ]
    assert not EtpSession.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"patients_count": 0}, "patients_count", "Indiquez le nombre de patients (au moins un)."),
        (
            {"collective": False, "patients_count": 3},
            "patients_count",
            "Une séance individuelle compte un seul patient.",
        ),
        (
            {"held_on": date.today() + timedelta(days=2)},
            "held_on",
            "Une séance s'enregistre une fois tenue : sa date est passée.",
        ),
        ({"topic": "  "}, "topic", "Indiquez le thème de la séance."),
    ],
)
def test_a_session_refuses_what_cannot_be(coordinator, fields, field, message):
    programme = EtpProgrammeFactory()

    with pytest.raises(ValidationError) as refused:
        services.etp_session_record(
            programme_id=programme.pk, by=coordinator, **session_fields(**fields)
        )

    assert refused.value.message_dict[field] == [message]
    assert not EtpSession.objects.exists()


def test_a_session_before_the_authorisation_is_refused(coordinator):
    programme = EtpProgrammeFactory(authorised_on=TODAY() - timedelta(days=10))

    with pytest.raises(ValidationError) as refused:
        services.etp_session_record(
            programme_id=programme.pk,
            by=coordinator,
            **session_fields(held_on=TODAY() - timedelta(days=20)),
        )

    assert "précède l'autorisation" in refused.value.message_dict["held_on"][0]


def test_an_individual_session_counts_one_patient(coordinator):
    programme = EtpProgrammeFactory()

    session = services.etp_session_record(
        programme_id=programme.pk,
        by=coordinator,
        **session_fields(collective=False, patients_count=1),
    )

    assert not session.collective


def test_an_ended_programme_records_no_more_sessions(coordinator):
    programme = EtpProgrammeFactory(is_active=False)

    with pytest.raises(Conflict, match="n'est plus en cours"):
        services.etp_session_record(programme_id=programme.pk, by=coordinator, **session_fields())


def test_a_specialist_records_no_session(specialist):
    programme = EtpProgrammeFactory()

    with pytest.raises(PermissionDenied):
        services.etp_session_record(programme_id=programme.pk, by=specialist, **session_fields())


def test_a_session_is_corrected_and_deleted(manager):
    session = EtpSessionFactory(patients_count=8)

    services.etp_session_update(
        session_id=session.pk, by=manager, **session_fields(patients_count=9, topic="Corrigé")
    )
    session.refresh_from_db()
    assert (session.patients_count, session.topic) == (9, "Corrigé")

    services.etp_session_delete(session_id=session.pk, by=manager)
    assert not EtpSession.objects.exists()


def test_a_specialist_neither_corrects_nor_deletes_a_session(specialist):
    session = EtpSessionFactory(patients_count=8)

    with pytest.raises(PermissionDenied):
        services.etp_session_update(session_id=session.pk, by=specialist, **session_fields())
    with pytest.raises(PermissionDenied):
        services.etp_session_delete(session_id=session.pk, by=specialist)
    session.refresh_from_db()
    assert session.patients_count == 8


# --- Pages ------------------------------------------------------------------------------------
def test_the_list_shows_this_years_sessions_and_patients(coordinator, client_for):
    programme = EtpProgrammeFactory(title="Vivre avec une insuffisance cardiaque")
    this_year = date(TODAY().year, 1, 1)
    EtpSessionFactory(programme=programme, held_on=this_year, patients_count=8)
    EtpSessionFactory(programme=programme, held_on=this_year, patients_count=5)
    EtpSessionFactory(programme=programme, held_on=this_year - timedelta(days=1), patients_count=9)

    response = client_for(coordinator).get(reverse("events:etp_list"))

    assert response.status_code == 200
    row = response.text.split("Vivre avec une insuffisance cardiaque")[1].split("</tr>")[0]
    assert "<td>2</td>" in row
    assert "<td>13</td>" in row
    assert "Nouveau programme" in response.text


def test_a_specialist_reads_the_list_without_managing_it(specialist, client_for):
    programme = EtpProgrammeFactory()

    response = client_for(specialist).get(reverse("events:etp_list"))

    assert response.status_code == 200
    assert programme.title in response.text
    assert "Nouveau programme" not in response.text


@pytest.mark.parametrize("persona", ["requester", "paramedic", "authority"])
def test_the_list_is_refused_outside_the_staff_who_follow_it(persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(reverse("events:etp_list"))

    assert response.status_code == 403


def test_the_list_costs_the_same_whatever_the_number_of_programmes(
    coordinator, client_for, django_assert_max_num_queries
):
    client = client_for(coordinator)
    EtpSessionFactory()
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("events:etp_list"))
    for _ in range(4):
        EtpSessionFactory.create_batch(2, programme=EtpProgrammeFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("events:etp_list"))


def test_a_programme_is_created_from_its_form(manager, client_for):
    response = client_for(manager).post(
        reverse("events:etp_create"),
        {
            "title": "Diabète et cœur",
            "authorisation_number": "ETP-45-0099",
            "authorised_on": (TODAY() - timedelta(days=30)).isoformat(),
            "coordinator_name": "Maison de santé",
            "is_active": "on",
        },
    )

    programme = EtpProgramme.objects.get()
    assert response.status_code == 302
    assert response.url == detail(programme)


def test_a_number_already_recorded_is_told_on_the_form(manager, client_for):
    EtpProgrammeFactory(title="Programme existant", authorisation_number="ETP-45-0099")

    response = client_for(manager).post(
        reverse("events:etp_create"),
        {
            "title": "Doublon",
            "authorisation_number": "ETP-45-0099",
            "authorised_on": (TODAY() - timedelta(days=30)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert "est déjà celui du programme « Programme existant »" in response.text
    assert EtpProgramme.objects.count() == 1


def test_the_programme_page_lists_its_sessions_and_offers_the_form(coordinator, client_for):
    nurse = UserFactory(paramedic=True, first_name="Léa", last_name="Moreau")
    session = EtpSessionFactory(topic="Alimentation pauvre en sel", patients_count=9)
    session.facilitators.add(nurse)

    response = client_for(coordinator).get(detail(session.programme))

    assert response.status_code == 200
    assert "Alimentation pauvre en sel" in response.text
    assert "Léa Moreau" in response.text
    assert "Enregistrer la séance" in response.text


def test_a_specialist_reads_the_programme_page_without_the_form(specialist, client_for):
    session = EtpSessionFactory(topic="Alimentation pauvre en sel")

    response = client_for(specialist).get(detail(session.programme))

    assert "Alimentation pauvre en sel" in response.text
    assert "Enregistrer la séance" not in response.text
    assert "Modifier" not in response.text


@pytest.mark.parametrize("persona", ["requester", "paramedic", "authority"])
def test_a_programme_is_a_404_outside_the_staff(persona, request, client_for):
    programme = EtpProgrammeFactory()

    response = client_for(request.getfixturevalue(persona)).get(detail(programme))

    assert response.status_code == 404


def test_a_session_is_recorded_from_the_programme_page(coordinator, client_for):
    programme = EtpProgrammeFactory()
    nurse = UserFactory(paramedic=True)

    response = client_for(coordinator).post(
        reverse("events:etp_session_add", args=[programme.public_id]),
        {
            "held_on": (TODAY() - timedelta(days=1)).isoformat(),
            "topic": "Connaître ses traitements",
            "collective": "1",
            "patients_count": "6",
            "facilitators": [str(nurse.pk)],
        },
        follow=True,
    )

    session = EtpSession.objects.get()
    assert session.patients_count == 6
    assert "Séance enregistrée." in response.text


def test_a_refused_session_is_told_on_the_page(coordinator, client_for):
    programme = EtpProgrammeFactory()

    response = client_for(coordinator).post(
        reverse("events:etp_session_add", args=[programme.public_id]),
        {
            "held_on": (TODAY() - timedelta(days=1)).isoformat(),
            "topic": "Bilan éducatif",
            "collective": "0",
            "patients_count": "4",
        },
        follow=True,
    )

    assert "Une séance individuelle compte un seul patient." in response.text
    assert not EtpSession.objects.exists()


def test_a_specialist_cannot_record_a_session(specialist, client_for):
    programme = EtpProgrammeFactory()

    response = client_for(specialist).post(
        reverse("events:etp_session_add", args=[programme.public_id]),
        {"held_on": TODAY().isoformat(), "topic": "x", "collective": "1", "patients_count": "3"},
    )

    assert response.status_code == 403
    assert not EtpSession.objects.exists()


def test_a_session_is_corrected_and_deleted_from_the_pages(manager, client_for):
    session = EtpSessionFactory(patients_count=8)
    client = client_for(manager)

    edited = client.post(
        reverse("events:etp_session_edit", args=[session.public_id]),
        {
            "held_on": session.held_on.isoformat(),
            "topic": session.topic,
            "collective": "1",
            "patients_count": "10",
        },
    )
    session.refresh_from_db()
    assert edited.status_code == 302
    assert session.patients_count == 10

    deleted = client.post(
        reverse("events:etp_session_delete", args=[session.public_id]), follow=True
    )
    assert "Séance supprimée." in deleted.text
    assert not EtpSession.objects.exists()


def test_a_session_of_a_hidden_programme_is_a_404(requester, client_for):
    session = EtpSessionFactory()
    client = client_for(requester)

    assert (
        client.get(reverse("events:etp_session_edit", args=[session.public_id])).status_code == 404
    )
    assert (
        client.post(reverse("events:etp_session_delete", args=[session.public_id])).status_code
        == 404
    )
    assert EtpSession.objects.exists()


def test_the_programme_is_edited_and_ended(coordinator, client_for):
    programme = EtpProgrammeFactory()

    response = client_for(coordinator).post(
        reverse("events:etp_edit", args=[programme.public_id]),
        {
            "title": programme.title,
            "authorisation_number": programme.authorisation_number,
            "authorised_on": programme.authorised_on.isoformat(),
        },
    )

    programme.refresh_from_db()
    assert response.status_code == 302
    assert not programme.is_active


def test_a_specialist_cannot_edit_a_programme(specialist, client_for):
    programme = EtpProgrammeFactory()

    assert (
        client_for(specialist)
        .get(reverse("events:etp_edit", args=[programme.public_id]))
        .status_code
        == 403
    )


# --- Demo -------------------------------------------------------------------------------------
def test_the_demo_programme_is_played_through_the_services_once(coordinator):
    users = {
        "coordination": coordinator,
        "cardiologue": UserFactory(specialist=True),
        "cardiologue2": UserFactory(specialist=True),
        "ipa": UserFactory(paramedic=True),
    }

    seed_etp(users)
    seed_etp(users)

    programme = EtpProgramme.objects.get()
    assert programme.title == "Vivre avec une insuffisance cardiaque"
    assert programme.sessions.count() == 6
    assert all(s.held_on >= TODAY() - timedelta(days=366) for s in programme.sessions.all())
