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


def triage_to_the_cardiologist(page, reference: str) -> None:
    """On the referral's page, as the coordination: an asynchronous télé-expertise, P2, entrusted
    to the demo cardiologist."""
    triage = page.get_by_role("heading", name="Régulation", exact=True).locator("..")
    triage.get_by_label("Priorité").select_option("P2")
    triage.get_by_label("Mode de réponse").select_option("teleexpertise_async")
    assign = triage.get_by_label("Confier à")
    assign.select_option(
        assign.locator("option", has_text="Dr Antoine Dubois").get_attribute("value")
    )
    page.follow(triage.get_by_role("button", name="Réguler"))
    expect(page.get_by_text(f"Demande {reference} régulée.")).to_be_visible()


def take_and_answer(page, reference: str, answer: str, recommended: str = "") -> None:
    """As the signed-in specialist: take the case from the inbox and send the answer."""
    page.menu("Mes dossiers")
    row = page.get_by_role("row").filter(has_text=reference)
    page.follow(row.get_by_role("button", name="Prendre en charge"))
    page.get_by_label("Avis / compte rendu").fill(answer)
    if recommended:
        page.get_by_label("Conduite à tenir recommandée").fill(recommended)
    page.follow(page.get_by_role("button", name="Envoyer la réponse"))
    expect(page.get_by_text("Réponse enregistrée")).to_be_visible()
