"""/consultations-avancees/ per role, the manager's forms and rota actions, swaps from the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.booking.services import session_book
from scheduling import services
from scheduling.models import ConsultationPlan, ConsultationSession, ConsultationSite, SwapRequest
from tests.factories import (
    ConsultationPlanFactory,
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    ReferralFactory,
    SlotFactory,
    UserFactory,
)
from tests.menu import menu_labels

PAGE = "/consultations-avancees/"


@pytest.mark.parametrize("persona", ["manager", "coordinator", "specialist", "paramedic"])
def test_the_menu_has_the_entry_for_staff(persona, request):
    labels = menu_labels(request.getfixturevalue(persona))
    assert "Consultations avancées" in labels


@pytest.mark.parametrize("persona", ["requester", "authority"])
def test_others_neither_see_the_entry_nor_the_page(persona, request, client_for):
    user = request.getfixturevalue(persona)
    assert "Consultations avancées" not in menu_labels(user)
    assert client_for(user).get(PAGE).status_code == 403


def test_manager_page_lists_sites_plans_and_swaps(
    manager, client_for, cardiology, django_assert_max_num_queries
):
    session = ConsultationSessionFactory()
    ConsultationPlanFactory(site=session.site)
    services.swap_request(
        by=session.specialist, session_id=session.pk, replacement=UserFactory(specialist=True)
    )
    client = client_for(manager)
    client.get(PAGE)
    with django_assert_max_num_queries(25) as few:
        response = client.get(PAGE)
    assert response.status_code == 200
    assert session.site.name in response.text
    assert "propose que" in response.text
    for _ in range(4):
        ConsultationPlanFactory(site=ConsultationSiteFactory())
        ConsultationSessionFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PAGE)


def test_coordinator_sees_upcoming_sessions_with_their_fill(coordinator, client_for, cardiology):
    session = ConsultationSessionFactory()
    session_book(
        by=coordinator,
        session_id=session.pk,
        referral_id=ReferralFactory(triaged=True, response_mode="advanced_consultation").pk,
    )
    response = client_for(coordinator).get(PAGE)
    assert "Prochaines consultations" in response.text
    assert "1/2" in response.text
    assert "Sites" not in response.text


def test_specialist_sees_their_sessions_with_appointments(coordinator, client_for, cardiology):
    session = ConsultationSessionFactory()
    referral = ReferralFactory(triaged=True, response_mode="advanced_consultation")
    session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)

    response = client_for(session.specialist).get(PAGE)

    assert "Mes consultations avancées" in response.text
    assert referral.reference in response.text
    assert referral.patient.birth_name not in response.text
    assert "Demander un échange" in response.text


def test_manager_creates_a_site_from_the_form(manager, client_for, cardiology):
    response = client_for(manager).post(
        reverse("scheduling:consultation_site_create"),
        {
            "name": "MSP de Gien",
            "commune": "45155",
            "address": "1 place de la Victoire",
            "specialties": [cardiology.pk],
            "underserved": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    site = ConsultationSite.objects.get()
    assert site.commune_id == "45155" and site.underserved


def test_the_site_form_shows_service_errors_and_writes_nothing(manager, client_for, cardiology):
    response = client_for(manager).post(
        reverse("scheduling:consultation_site_create"),
        {"name": "MSP de Gien", "commune": "45155", "address": "1 place de la Victoire"},
    )
    assert response.status_code == 200
    assert "Choisissez au moins une spécialité" in response.text
    assert not ConsultationSite.objects.exists()


def test_the_plan_form_refuses_what_does_not_fit_then_creates_sessions(
    manager, client_for, cardiology
):
    site = ConsultationSiteFactory()
    start = timezone.localdate() + timedelta(days=1)
    data = {
        "specialty": cardiology.pk,
        "weekday": 1,
        "start_time": "09:00",
        "end_time": "12:00",
        "season_start": start.isoformat(),
        "season_end": (start + timedelta(weeks=4)).isoformat(),
        "capacity": 7,
        "slot_minutes": 30,
    }
    client = client_for(manager)
    url = reverse("scheduling:consultation_plan_create", args=[site.public_id])

    refused = client.post(url, data)
    assert "ne tiennent pas entre 09:00 et 12:00" in refused.text
    assert not ConsultationPlan.objects.exists()

    created = client.post(url, data | {"capacity": 6})
    plan = ConsultationPlan.objects.get()
    assert created.status_code == 302
    assert ConsultationSession.objects.filter(plan=plan, status="draft").count() >= 4


def test_rota_then_publish_from_the_plan_page(manager, client_for, cardiology):
    volunteers = [UserFactory(specialist=True) for _ in range(2)]
    plan = ConsultationPlanFactory(volunteers=volunteers)
    services.plan_generate_sessions(by=manager, plan_id=plan.pk)
    client = client_for(manager)

    client.post(reverse("scheduling:consultation_plan_action", args=[plan.public_id, "rotation"]))
    page = client.get(reverse("scheduling:consultation_plan", args=[plan.public_id]))
    assert page.status_code == 200 and "Attribuer" in page.text
    client.post(reverse("scheduling:consultation_plan_action", args=[plan.public_id, "publier"]))

    assert not plan.sessions.filter(status="draft").exists()
    counts = [plan.sessions.filter(specialist=v).count() for v in volunteers]
    assert abs(counts[0] - counts[1]) <= 1


def test_adjusting_to_an_absent_specialist_shows_the_french_error(manager, client_for, cardiology):
    from scheduling.models import Absence

    volunteers = [UserFactory(specialist=True) for _ in range(2)]
    plan = ConsultationPlanFactory(volunteers=volunteers)
    services.plan_generate_sessions(by=manager, plan_id=plan.pk)
    session = plan.sessions.order_by("date").first()
    Absence.objects.create(specialist=volunteers[1], starts_on=session.date, ends_on=session.date)

    response = client_for(manager).post(
        reverse("scheduling:consultation_session_assign", args=[session.public_id]),
        {"specialist": volunteers[1].pk},
        follow=True,
    )

    assert "n&#x27;est pas disponible" in response.text or "n'est pas disponible" in response.text
    session.refresh_from_db()
    assert session.specialist is None


def test_swap_from_the_page_then_decided(manager, client_for, cardiology):
    session = ConsultationSessionFactory()
    colleague = UserFactory(specialist=True)

    client_for(session.specialist).post(
        reverse("scheduling:consultation_swap_request", args=[session.public_id]),
        {"replacement": colleague.pk, "reason": "Congrès"},
    )
    swap = SwapRequest.objects.get()
    client_for(manager).post(
        reverse("scheduling:consultation_swap_decide", args=[swap.public_id, "accepter"])
    )

    session.refresh_from_db()
    assert session.specialist == colleague


def test_another_specialist_cannot_ask_for_a_swap(other_specialist, client_for, cardiology):
    session = ConsultationSessionFactory()
    response = client_for(other_specialist).post(
        reverse("scheduling:consultation_swap_request", args=[session.public_id]),
        {"replacement": other_specialist.pk},
    )
    assert response.status_code == 404
    assert not SwapRequest.objects.exists()


def test_manager_edits_a_site(manager, client_for, cardiology):
    site = ConsultationSiteFactory(name="MSP de Gien", commune_id="45155")
    client = client_for(manager)
    url = reverse("scheduling:consultation_site_edit", args=[site.public_id])

    form = client.get(url)
    assert 'value="MSP de Gien"' in form.text and "45155 — Gien" in form.text
    client.post(
        url,
        {
            "name": "MSP de Gien (rénovée)",
            "commune": "45155",
            "address": "3 rue Neuve",
            "specialties": [cardiology.pk],
            "accessibility": "Ascenseur",
        },
    )

    site.refresh_from_db()
    assert site.name == "MSP de Gien (rénovée)" and site.accessibility == "Ascenseur"
    assert not site.active  # unchecked box


def test_manager_cancels_an_empty_session_from_the_plan_page(manager, client_for, cardiology):
    plan = ConsultationPlanFactory()
    services.plan_generate_sessions(by=manager, plan_id=plan.pk)
    session = plan.sessions.order_by("date").first()
    client = client_for(manager)
    assert (
        "Annuler la consultation du"
        in client.get(reverse("scheduling:consultation_plan", args=[plan.public_id])).text
    )

    client.post(reverse("scheduling:consultation_session_cancel", args=[session.public_id]))

    session.refresh_from_db()
    assert session.status == "cancelled"


def test_the_specialist_sees_the_session_on_the_referral_page(coordinator, client_for, cardiology):
    session = ConsultationSessionFactory()
    referral = ReferralFactory(triaged=True, response_mode="advanced_consultation")
    session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)

    page = client_for(session.specialist).get(
        reverse("referrals:detail", args=[referral.public_id])
    )

    assert "Consultation avancée réservée" in page.text
    assert session.site.name in page.text


def test_manager_refuses_a_swap_with_a_comment_from_the_page(manager, client_for, cardiology):
    session = ConsultationSessionFactory()
    swap = services.swap_request(
        by=session.specialist, session_id=session.pk, replacement=UserFactory(specialist=True)
    )
    client = client_for(manager)
    refuse = reverse("scheduling:consultation_swap_decide", args=[swap.public_id, "refuser"])

    page = client.get(PAGE)
    assert f'id="swap-note-{swap.pk}"' in page.text and f'formaction="{refuse}"' in page.text
    client.post(refuse, {"note": "Déjà d'astreinte ce jour-là."})

    swap.refresh_from_db()
    assert (swap.status, swap.decision_note) == ("refused", "Déjà d'astreinte ce jour-là.")


def test_drafts_without_a_specialist_preselect_nobody(manager, client_for, cardiology):
    plan = ConsultationPlanFactory(volunteers=[UserFactory(specialist=True)])
    services.plan_generate_sessions(by=manager, plan_id=plan.pk)

    page = client_for(manager).get(reverse("scheduling:consultation_plan", args=[plan.public_id]))

    drafts = plan.sessions.count()
    assert page.text.count('<option value="" selected>Choisir…</option>') == drafts
    assert page.text.count("selected>Dr ") == 0


def test_an_advanced_consultation_referral_shows_the_sessions_and_no_cabinet_slot(
    coordinator, client_for, cardiology
):
    session = ConsultationSessionFactory()
    SlotFactory(specialist=session.specialist)
    referral = ReferralFactory(triaged=True, response_mode="advanced_consultation")

    page = client_for(coordinator).get(reverse("referrals:detail", args=[referral.public_id]))

    assert 'id="sessions-title"' in page.text
    assert 'id="slots-title"' not in page.text


def test_once_booked_the_referral_page_offers_no_triage_form(coordinator, client_for, cardiology):
    session = ConsultationSessionFactory()
    referral = ReferralFactory(triaged=True, response_mode="advanced_consultation")
    session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)

    page = client_for(coordinator).get(reverse("referrals:detail", args=[referral.public_id]))

    assert "Consultation avancée réservée" in page.text
    assert reverse("referrals:triage", args=[referral.public_id]) not in page.text
