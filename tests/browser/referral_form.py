"""Filling the referral form as a user would, shared by the journeys that send a request."""

from playwright.sync_api import expect

from tests.factories import valid_nir


def choose_commune(field, typed: str, option: str = "Orléans (45000)") -> None:
    """Type into a commune picker, wait for its suggestions, and pick the first one (`option`)
    with the keyboard, as a screen-reader user would."""
    field.press_sequentially(typed, delay=30)
    expect(field.page.get_by_role("option", name=option)).to_be_visible()
    field.press("ArrowDown")
    field.press("Enter")


def fill_patient(page) -> None:
    """The patient part of the form: a man born in 1952, living in Orléans (picked from the
    commune picker's suggestions)."""
    page.get_by_label("INS / NIR du patient").fill(valid_nir("1520745234005"))
    page.get_by_label("Nom de naissance").fill("Lambert")
    page.get_by_label("Prénoms de naissance").fill("Paul André")
    page.get_by_label("Masculin").check()
    page.get_by_label("Date de naissance").fill("1952-07-14")
    commune = page.get_by_label("Commune de résidence")
    choose_commune(commune, "45000")
    expect(commune).to_have_value("45234 — Orléans (45000)")
