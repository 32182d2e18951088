"""Nurse-led advanced consultations: a plan under a protocol takes the protocol's delegates
(IPA, IDE) as volunteers while its convention is in force; they run its sessions as a
specialist would."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ess.models import Specialty
from scheduling import selectors, services
from scheduling.models import ConsultationPlan
from tests.factories import (
    ConsultationPlanFactory,
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    ReferralFactory,
    UserFactory,
)
from tests.partners.conftest import protocol_convention


@pytest.fixture
def ipa(db):
    return UserFactory(paramedic=True, first_name="Léa", last_name="Moreau")


@pytest.fixture
def in_force(ipa, specialist):
    return protocol_convention(doctors=[specialist], delegates=[ipa])


@pytest.fixture
def expired(ipa, specialist):
    return protocol_convention(
        in_force=False, doctors=[specialist], delegates=[ipa], title="Ancien protocole"
    )


def plan_input(**overrides):
    data = {
        "specialty": Specialty.objects.get(code="cardiologie"),
        "weekday": 1,
        "start_time": time(9),
        "end_time": time(12),
        "season_start": timezone.localdate() + timedelta(days=1),
        "season_end": timezone.localdate() + timedelta(weeks=4),
        "capacity": 6,
        "slot_minutes": 30,
    }
    return services.PlanInput(**(data | overrides))


def test_an_ipa_delegate_volunteers_under_a_protocol_in_force_and_runs_its_sessions(
    manager, cardiology, ipa, in_force, client_for
):
    site = ConsultationSiteFactory()

    plan = services.plan_create(
        by=manager, site_id=site.pk, data=plan_input(protocol=in_force, volunteers=[ipa])
    )
    result = services.rota_propose(by=manager, plan_id=plan.pk)
    published, _left = services.sessions_publish(by=manager, plan_id=plan.pk)

    assert plan.protocol == in_force
    assert list(plan.volunteers.all()) == [ipa]
    assert result.assigned == plan.sessions.count() == published
    assert set(plan.sessions.values_list("specialist", flat=True)) == {ipa.pk}
    client = client_for(ipa)
    overview = client.get("/consultations-avancees/").content.decode()
    assert "Mes consultations avancées" in overview
    assert site.name in overview
    assert "Demander un échange" not in overview  # swaps are between specialists
    session = plan.sessions.order_by("starts_at").first()
    assert (
        client.get(f"/consultations-avancees/seances/{session.public_id}/feuille/").status_code
        == 200
    )


def test_the_plan_page_says_it_is_a_nurse_led_consultation(
    client_for, manager, cardiology, ipa, in_force
):
    plan = ConsultationPlanFactory(protocol=in_force)

    page = client_for(manager).get(f"/consultations-avancees/programmes/{plan.public_id}/")

    text = page.content.decode()
    assert "Consultation infirmière sous protocole" in text
    assert "Protocole IC" in text
    assert ipa.display_name in text  # offered among the volunteers


def test_volunteering_is_refused_when_the_protocol_has_expired(manager, cardiology, ipa, expired):
    plan = ConsultationPlanFactory(protocol=expired)

    with pytest.raises(ValidationError) as refused:
        services.plan_set_volunteers(by=manager, plan_id=plan.pk, volunteers=[ipa])

    assert refused.value.message_dict["volunteers"] == [
        "Le protocole « Ancien protocole » n'est pas en vigueur (convention « Échue ») : "
        "Léa Moreau ne peut pas consulter sous ce protocole."
    ]
    assert not plan.volunteers.exists()


def test_volunteering_is_refused_to_a_paramedic_who_is_not_a_delegate(
    manager, cardiology, in_force
):
    stranger = UserFactory(paramedic=True, first_name="Paul", last_name="Roux")
    plan = ConsultationPlanFactory(protocol=in_force)

    with pytest.raises(ValidationError) as refused:
        services.plan_set_volunteers(by=manager, plan_id=plan.pk, volunteers=[stranger])

    assert refused.value.message_dict["volunteers"] == [
        "Paul Roux ne fait pas partie des délégués du protocole « Protocole IC »."
    ]
    assert not plan.volunteers.exists()


def test_a_paramedic_cannot_volunteer_for_a_plan_without_a_protocol(manager, cardiology, ipa):
    plan = ConsultationPlanFactory()

    with pytest.raises(ValidationError, match="n'exerce pas la spécialité de ce programme"):
        services.plan_set_volunteers(by=manager, plan_id=plan.pk, volunteers=[ipa])


def test_a_plan_cannot_be_set_up_under_an_expired_protocol(manager, cardiology, expired):
    site = ConsultationSiteFactory()

    with pytest.raises(ValidationError) as refused:
        services.plan_create(by=manager, site_id=site.pk, data=plan_input(protocol=expired))

    assert "n'est pas en vigueur" in refused.value.message_dict["protocol"][0]
    assert not ConsultationPlan.objects.exists()


def test_a_protocol_of_another_specialty_is_refused(manager, cardiology, in_force):
    in_force.specialty = Specialty.objects.get_or_create(
        code="pneumologie", defaults={"label": "P"}
    )[0]
    in_force.save()
    site = ConsultationSiteFactory()

    with pytest.raises(ValidationError, match="porte sur une autre spécialité"):
        services.plan_create(by=manager, site_id=site.pk, data=plan_input(protocol=in_force))


def test_the_expired_refusal_shows_on_the_plan_page_and_nothing_changes(
    client_for, manager, cardiology, ipa, expired
):
    plan = ConsultationPlanFactory(protocol=expired)
    url = f"/consultations-avancees/programmes/{plan.public_id}/volontaires/"

    response = client_for(manager).post(url, {"volunteers": [ipa.pk]}, follow=True)

    assert "n&#x27;est pas en vigueur" in response.content.decode()
    assert not plan.volunteers.exists()


def test_once_the_protocol_expires_its_delegates_drop_out_of_the_rota(
    manager, cardiology, ipa, in_force, specialist
):
    plan = ConsultationPlanFactory(protocol=in_force)
    services.plan_generate_sessions(by=manager, plan_id=plan.pk)
    services.plan_set_volunteers(by=manager, plan_id=plan.pk, volunteers=[ipa, specialist])
    convention = in_force.convention
    convention.status = "terminated"
    convention.termination_reason = "Fin du protocole"
    convention.save()

    services.rota_propose(by=manager, plan_id=plan.pk)

    assert set(plan.sessions.values_list("specialist", flat=True)) == {specialist.pk}
    session = plan.sessions.first()
    with pytest.raises(ValidationError, match="n'est pas en vigueur"):
        services.session_assign(by=manager, session_id=session.pk, specialist=ipa)


def test_a_nurse_led_session_takes_no_referral_for_a_specialists_opinion(
    cardiology, ipa, in_force, coordinator
):
    plan = ConsultationPlanFactory(protocol=in_force)
    nurse_led = ConsultationSessionFactory(plan=plan, site=plan.site, specialist=ipa)
    usual = ConsultationSessionFactory()
    referral = ReferralFactory()

    listed = selectors.bookable_sessions(specialty_id=cardiology.pk)

    assert [s.pk for s in listed] == [usual.pk]
    with pytest.raises(ValidationError, match="consultation infirmière sous protocole"):
        services.appointment_reserve(
            by=coordinator,
            session_id=nurse_led.pk,
            referral_id=referral.pk,
            specialty_id=cardiology.pk,
        )
    assert not nurse_led.appointments.exists()
