"""Advanced consultations in a real Chromium: the coordinator books a referral into a session
from the referral page; the specialist then sees the appointment in their sessions."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import (
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    PatientFactory,
    ReferralFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD


def test_coordinator_books_a_session_and_the_specialist_sees_it(
    demo_accounts, page, sign_in, sign_out
):
    cardiologist = demo_accounts["cardiologue"]
    near = ConsultationSessionFactory(
        site=ConsultationSiteFactory(name="Consultations avancées de Pithiviers"),
        specialist=cardiologist,
    )
    ConsultationSessionFactory(
        site=ConsultationSiteFactory(name="Consultations avancées de Gien", commune_id="45155"),
        specialist=demo_accounts["cardiologue2"],
    )
    referral = ReferralFactory(
        triaged=True,
        response_mode="advanced_consultation",
        patient=PatientFactory(commune_id="45252", birth_name="MARCHAND"),
    )

    sign_in("coordination@demo.example.org", PASSWORD)
    page.goto(f"{page.base_url}/demandes/{referral.public_id}/")
    offers = page.get_by_role("region", name=re.compile("Consultations avancées avec des places"))
    items = offers.get_by_role("listitem")
    assert "Pithiviers" in items.first.inner_text()  # the patient lives there: nearest first
    page.follow(items.first.get_by_role("button", name=re.compile("Réserver")))
    expect(page.get_by_text(re.compile("Rendez-vous fixé le"))).to_be_visible()
    expect(page.get_by_role("heading", name="Consultation avancée réservée")).to_be_visible()
    expect(page.get_by_text("Rendez-vous fixé", exact=True).first).to_be_visible()

    sign_out()
    sign_in("cardiologue@demo.example.org", PASSWORD)
    page.menu("Consultations avancées")
    mine = page.get_by_role("region", name="Mes consultations avancées")
    row = mine.get_by_role("row").filter(has_text="Consultations avancées de Pithiviers")
    expect(row.get_by_role("link", name=referral.reference)).to_be_visible()
    assert "1/2" in row.inner_text()
    assert near.site.name in row.inner_text()
