"""The manager's journey through partners and conventions, in a real Chromium."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.referrals.conftest import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_records_a_partner_and_its_signed_convention(
    demo_accounts, page, sign_in, tmp_path
):
    signed = tmp_path / "convention-signee.pdf"
    signed.write_bytes(PDF_BYTES)
    sign_in("direction@demo.example.org", settings.ESS_DEMO_PASSWORD)

    page.menu("Partenaires")
    page.get_by_role("link", name="Nouveau partenaire").click()
    page.get_by_label("Type").select_option(
        label="Communauté professionnelle territoriale de santé (CPTS)"
    )
    page.get_by_label("Nom", exact=True).fill("CPTS Sologne Val de Loire")
    page.get_by_label("SIRET").fill("801 234 568 00013")
    page.get_by_label("Commune", exact=True).fill("45234 — Orléans (45000)")
    page.follow(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_role("heading", name="CPTS Sologne Val de Loire")).to_be_visible()

    page.get_by_role("link", name="Nouvelle convention").click()
    page.get_by_label("Type").select_option(label="Convention de partenariat")
    page.get_by_label("Intitulé").fill("Partenariat ESS – CPTS Sologne")
    assert page.get_by_label("CPTS Sologne Val de Loire").is_checked()
    page.follow(page.get_by_role("button", name="Créer le projet"))
    expect(page.get_by_role("heading", name="Partenariat ESS – CPTS Sologne")).to_be_visible()
    expect(page.locator(".badge", has_text="Projet")).to_be_visible()

    page.get_by_label("Document", exact=True).select_option(label="Convention signée (PDF)")
    page.get_by_label("Fichier").set_input_files(str(signed))
    page.follow(page.get_by_role("button", name="Déposer"))
    expect(
        page.get_by_role("link", name="Convention signée (PDF) — v1 : convention-signee.pdf")
    ).to_be_visible()

    page.follow(page.get_by_role("button", name="Marquer signée"))
    expect(page.get_by_text("Convention marquée signée.")).to_be_visible()
    expect(page.locator(".badge", has_text="En vigueur")).to_be_visible()

    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role(
        "link", name="CPTS Sologne Val de Loire"
    ).click()
    row = page.get_by_role("row").filter(has_text="Partenariat ESS – CPTS Sologne")
    expect(row.get_by_text("En vigueur")).to_be_visible()
    page.menu("Partenaires")
    row = page.get_by_role("row").filter(has_text="CPTS Sologne Val de Loire")
    expect(row.get_by_text("1", exact=True)).to_be_visible()
