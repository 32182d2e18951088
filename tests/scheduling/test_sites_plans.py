"""Sites and plans: validation (French messages, nothing written), session generation."""

from datetime import UTC, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ess.models import Commune, Specialty
from scheduling import services
from scheduling.models import ConsultationPlan, ConsultationSession, ConsultationSite
from tests.factories import (
    ConsultationPlanFactory,
    ConsultationSiteFactory,
    ConventionFactory,
    PartnerFactory,
    UserFactory,
)


def site_input(**overrides):
    data = {
        "name": "MSP de Pithiviers",
        "commune": Commune.objects.get(code="45252"),
        "address": "2 rue de l'Hôpital",
        "specialties": [Specialty.objects.get(code="cardiologie")],
        "underserved": True,
    }
    return services.SiteInput(**(data | overrides))


def plan_input(**overrides):
    data = {
        "specialty": Specialty.objects.get(code="cardiologie"),
        "weekday": 1,
        "start_time": time(9),
        "end_time": time(12),
        "season_start": timezone.localdate() + timedelta(days=1),
        "season_end": timezone.localdate() + timedelta(weeks=8),
        "capacity": 6,
        "slot_minutes": 30,
    }
    return services.PlanInput(**(data | overrides))


def test_manager_creates_a_site_hosted_under_its_convention(manager, cardiology):
    host = PartnerFactory(name="MSP du Pithiverais")
    convention = ConventionFactory(parties=[host])

    site = services.site_create(by=manager, data=site_input(host=host, convention=convention))

    assert site.host == host and site.convention == convention
    assert site.underserved
    assert list(site.specialties.all()) == [cardiology]


def test_a_convention_of_another_partner_is_refused_and_nothing_written(manager, cardiology):
    host = PartnerFactory(name="MSP du Pithiverais")
    other = ConventionFactory(parties=[PartnerFactory()])

    with pytest.raises(ValidationError) as exc:
        services.site_create(by=manager, data=site_input(host=host, convention=other))

    assert "n'a pas été signée avec MSP du Pithiverais" in exc.value.message_dict["convention"][0]
    assert not ConsultationSite.objects.exists()


def test_a_site_without_address_or_specialty_is_refused(manager, cardiology):
    with pytest.raises(ValidationError) as exc:
        services.site_create(by=manager, data=site_input(address=" ", specialties=[]))

    assert exc.value.message_dict["address"] == ["Indiquez l'adresse du site."]
    assert "spécialité" in exc.value.message_dict["specialties"][0]
    assert not ConsultationSite.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "specialist", "requester", "authority"])
def test_only_managers_manage_sites(persona, request, cardiology):
    with pytest.raises(PermissionDenied):
        services.site_create(by=request.getfixturevalue(persona), data=site_input())


def test_a_plan_whose_appointments_do_not_fit_is_refused_in_french(manager, cardiology):
    site = ConsultationSiteFactory()

    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            by=manager, site_id=site.pk, data=plan_input(capacity=8, slot_minutes=30)
        )

    assert exc.value.message_dict["capacity"] == [
        "8 rendez-vous de 30 minutes (240 min) ne tiennent pas entre 09:00 et 12:00 (180 min)."
    ]
    assert not ConsultationPlan.objects.exists()


def test_a_plan_with_times_reversed_or_a_foreign_volunteer_is_refused(manager, cardiology):
    site = ConsultationSiteFactory()
    dermatologist = UserFactory(
        specialist=True,
        specialty=Specialty.objects.get_or_create(code="dermatologie", defaults={"label": "D"})[0],
    )

    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            by=manager,
            site_id=site.pk,
            data=plan_input(start_time=time(12), end_time=time(9), volunteers=[dermatologist]),
        )

    errors = exc.value.message_dict
    assert errors["end_time"] == ["L'heure de fin doit suivre l'heure de début."]
    assert "n'exerce pas la spécialité" in errors["volunteers"][0]
    assert not ConsultationPlan.objects.exists()


def test_a_plan_for_a_specialty_the_site_does_not_offer_is_refused(manager, cardiology):
    site = ConsultationSiteFactory()
    other = Specialty.objects.get_or_create(code="dermatologie", defaults={"label": "D"})[0]

    with pytest.raises(ValidationError) as exc:
        services.plan_create(by=manager, site_id=site.pk, data=plan_input(specialty=other))

    assert exc.value.message_dict["specialty"] == [
        "Cette spécialité n'est pas proposée sur ce site."
    ]


def test_a_new_plan_comes_with_its_draft_sessions(manager, cardiology):
    site = ConsultationSiteFactory(specialties=[Specialty.objects.get(code="cardiologie")])

    plan = services.plan_create(by=manager, site_id=site.pk, data=plan_input())

    dates = list(plan.sessions.order_by("date").values_list("date", flat=True))
    assert dates == services.plan_dates(plan)
    assert len(dates) == 8 and {d.weekday() for d in dates} == {1}
    assert set(plan.sessions.values_list("status", flat=True)) == {"draft"}


def test_generating_sessions_is_idempotent_and_keeps_paris_wall_clock(manager, cardiology):
    plan = ConsultationPlanFactory(
        season_start=timezone.datetime(2026, 10, 1).date(),  # across the end of summer time
        season_end=timezone.datetime(2026, 11, 30).date(),
    )

    created = services.plan_generate_sessions(by=manager, plan_id=plan.pk)
    again = services.plan_generate_sessions(by=manager, plan_id=plan.pk)

    sessions = list(ConsultationSession.objects.filter(plan=plan).order_by("date"))
    assert created == len(sessions) == 8  # Tuesdays from 6 October to 24 November
    assert again == 0
    assert all(s.date.weekday() == 1 and s.status == "draft" for s in sessions)
    assert {timezone.localtime(s.starts_at).hour for s in sessions} == {9}
    # 9:00 in Paris is 7:00 UTC in summer time, 8:00 UTC in winter time.
    assert sessions[0].starts_at.astimezone(UTC).hour == 7
    assert sessions[-1].starts_at.astimezone(UTC).hour == 8
    assert all(s.capacity == 6 and s.slot_minutes == 30 for s in sessions)
