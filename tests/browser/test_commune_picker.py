"""The commune and birth-place pickers: an accessible combobox (WAI-ARIA 1.2) that a keyboard
user drives with the arrows, Enter and Escape, the number of suggestions read out; the form sends
the commune picked."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from referrals.models import Referral
from tests.factories import valid_nir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD


def test_a_gp_picks_the_commune_with_the_keyboard_and_sends_the_request(
    demo_accounts, page, sign_in
):
    sign_in("medecin@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/demandes/nouvelle/")
    commune = page.get_by_role("combobox", name="Commune de résidence")
    expect(commune).to_have_attribute("aria-expanded", "false")
    suggestions = page.locator("#" + commune.get_attribute("aria-controls"))
    expect(suggestions).to_have_attribute("role", "listbox")

    commune.press_sequentially("orl", delay=30)

    expect(commune).to_have_attribute("aria-expanded", "true")
    expect(suggestions.get_by_role("option").first).to_have_text(re.compile(r"^Orléans \(45000\)"))
    expect(
        page.get_by_role("status").filter(has_text=re.compile(r"^\d+ résultats?$"))
    ).to_have_count(1)
    assert suggestions.get_by_role("option").count() <= 10
    commune.press("ArrowDown")
    first = suggestions.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(commune).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    page.axe.check()  # the open list, its highlighted option (contrast, roles, names)
    assert not page.axe.violations, page.axe.violations
    commune.press("Enter")

    expect(commune).to_have_value("45234 — Orléans (45000)")
    expect(commune).to_have_attribute("aria-expanded", "false")
    expect(suggestions).to_be_hidden()

    # The birth place: Escape closes the list and leaves what was typed.
    birth_place = page.get_by_role("combobox", name="Commune de naissance")
    birth_place.press_sequentially("45130", delay=30)
    expect(birth_place).to_have_attribute("aria-expanded", "true")
    birth_place.press("Escape")
    expect(birth_place).to_have_attribute("aria-expanded", "false")
    expect(birth_place).to_have_value("45130")
    birth_place.press("ArrowDown")
    birth_place.press("Enter")
    expect(birth_place).to_have_value(re.compile(r"^45\d{3} — .+ \(45130\)$"))

    # Born abroad after all: the country replaces the birth commune.
    page.get_by_label("Né(e) à l'étranger").check()
    expect(birth_place).to_be_hidden()
    page.get_by_label("Pays de naissance").fill("Maroc")

    page.get_by_label("INS / NIR du patient").fill(valid_nir("1520799350005"))
    page.get_by_label("Nom de naissance").fill("Lambert")
    page.get_by_label("Prénoms de naissance").fill("Paul")
    page.get_by_label("Masculin").check()
    page.get_by_label("Date de naissance").fill("1952-07-14")
    page.get_by_label("Question clinique").fill("Dyspnée d'effort : avis ?")
    page.get_by_label(re.compile("Le patient a été informé")).check()
    page.get_by_role("button", name="Envoyer la demande").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Demande ESS-"))).to_be_visible()
    referral = Referral.objects.get()
    assert referral.patient.commune_id == "45234"
    assert referral.patient.birth_place_code == "99350"
