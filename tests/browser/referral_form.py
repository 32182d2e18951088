"""Filling the referral form as a user would, shared by the journeys that send a request."""

from tests.factories import valid_nir


def fill_patient(page) -> None:
    """The patient part of the form: a man born in 1952, living in Orléans (picked from the
    commune lookup's suggestions)."""
    page.get_by_label("INS / NIR du patient").fill(valid_nir("1520745234005"))
    page.get_by_label("Nom de naissance").fill("Lambert")
    page.get_by_label("Prénoms de naissance").fill("Paul André")
    page.get_by_label("Masculin").check()
    page.get_by_label("Date de naissance").fill("1952-07-14")
    commune = page.get_by_label("Commune de résidence")
    commune.press_sequentially("45000", delay=30)
    # The htmx lookup fills the datalist the browser offers under the field.
    page.locator('#communes-datalist option[value="45234 — Orléans (45000)"]').wait_for(
        state="attached"
    )
    commune.fill("45234 — Orléans (45000)")
