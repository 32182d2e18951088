"""Users' journeys through the single window, in a real Chromium."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from referrals.models import Referral
from tests.browser.referral_form import take_and_answer, triage_to_the_cardiologist
from tests.factories import valid_nir
from tests.referrals.conftest import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD


class Counted:
    """What the user does on a page, counted: each fill, click, check, select and file choice
    is one interaction (the form must let a standard request through in a dozen)."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def fill(self, locator, value: str) -> None:
        self.count += 1
        locator.fill(value)

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def check(self, locator) -> None:
        self.count += 1
        locator.check()

    def set_files(self, locator, *paths) -> None:
        self.count += 1
        locator.set_input_files([str(p) for p in paths])


def _attachment(tmp_path: Path) -> Path:
    ecg = tmp_path / "ecg-repos.pdf"
    ecg.write_bytes(PDF_BYTES)
    return ecg


def _fill_patient_and_question(user: Counted, question: str) -> None:
    page = user.page
    user.fill(page.get_by_label("INS / NIR du patient"), valid_nir("1520745234005"))
    user.fill(page.get_by_label("Nom de naissance"), "Lambert")
    user.fill(page.get_by_label("Prénoms de naissance"), "Paul André")
    user.check(page.get_by_label("Masculin"))
    user.fill(page.get_by_label("Date de naissance"), "1952-07-14")
    # Typed as one would say it, not picked from the suggestions: the server knows it.
    user.fill(page.get_by_label("Commune de résidence"), "Orléans")
    user.fill(page.get_by_label("Question clinique"), question)


def _reference_from_banner(page) -> str:
    """The new referral's reference, from the banner of the page the form led to."""
    reference = re.compile(r"ESS-\d{4}-\d{6}")
    banner = page.get_by_role("status").filter(has_text=reference).first
    return reference.search(banner.inner_text()).group(0)


def file_standard_request(page, tmp_path: Path, *, question: str) -> tuple[str, int]:
    """As the signed-in GP, file a standard télé-expertise request with an attachment, leaving
    every field that has a sensible default as it is; return the new reference and the number
    of interactions it took."""
    user = Counted(page)
    user.click(page.get_by_role("link", name="Nouvelle demande").first)
    _fill_patient_and_question(user, question)
    user.set_files(page.get_by_label("Pièces jointes"), _attachment(tmp_path))
    user.check(page.get_by_label(re.compile("Le patient a été informé")))
    user.click(page.get_by_role("button", name="Envoyer la demande"))
    return _reference_from_banner(page), user.count


def submit_referral(page, tmp_path: Path, *, question: str) -> str:
    """As the signed-in GP, file a standard request; return the new reference."""
    return file_standard_request(page, tmp_path, question=question)[0]


def test_a_gp_files_a_standard_request_in_at_most_twelve_interactions(
    demo_accounts, page, sign_in, tmp_path
):
    sign_in("medecin@demo.example.org", PASSWORD)

    reference, interactions = file_standard_request(
        page, tmp_path, question="Dyspnée d'effort : avis ?"
    )

    assert interactions <= 12
    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    next_steps = page.get_by_role("heading", name="Et maintenant ?").locator("..")
    expect(next_steps.get_by_text("Réponse attendue au plus tard le")).to_be_visible()
    expect(next_steps.get_by_text("(Dans la semaine)")).to_be_visible()
    expect(page.get_by_role("button", name="Annuler la demande")).to_be_hidden()
    referral = Referral.objects.get(reference=reference)
    assert referral.preferred_response == "opinion"
    assert referral.patient.commune_id == "45234"


def test_a_gp_fixes_a_refused_form_without_attaching_the_file_again(
    demo_accounts, page, sign_in, tmp_path
):
    sign_in("medecin@demo.example.org", PASSWORD)
    user = Counted(page)
    user.click(page.get_by_role("link", name="Nouvelle demande").first)
    _fill_patient_and_question(user, "Palpitations : avis ?")
    user.set_files(page.get_by_label("Pièces jointes"), _attachment(tmp_path))
    # The consent box is forgotten.
    with page.expect_navigation():
        user.click(page.get_by_role("button", name="Envoyer la demande"))

    expect(page.get_by_text("La demande n'a pas été envoyée")).to_be_visible()
    expect(page.get_by_text("inutile de la joindre à nouveau")).to_be_visible()
    expect(page.get_by_label(re.compile(r"ecg-repos\.pdf"))).to_be_checked()
    user.check(page.get_by_label(re.compile("Le patient a été informé")))
    user.click(page.get_by_role("button", name="Envoyer la demande"))
    reference = _reference_from_banner(page)

    expect(page.get_by_role("link", name="ecg-repos.pdf")).to_be_visible()
    assert Referral.objects.get(reference=reference).attachments.get().original_name == (
        "ecg-repos.pdf"
    )


def test_a_gp_submits_a_referral_and_follows_it(demo_accounts, page, sign_in, tmp_path):
    sign_in("medecin@demo.example.org", PASSWORD)

    reference = submit_referral(page, tmp_path, question="Dyspnée d'effort récente : avis ?")

    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    expect(page.get_by_role("link", name="ecg-repos.pdf")).to_be_visible()
    page.get_by_role("link", name="Mes demandes").first.click()  # the menu's, before the home's
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text("Reçue")).to_be_visible()
    expect(row.get_by_text("LAMBERT Paul")).to_be_visible()
    row.get_by_role("link", name=reference).click()
    timeline = page.get_by_role("heading", name="Historique").locator("..")
    expect(timeline.get_by_text("passée à « Reçue »")).to_be_visible()


def test_the_closed_loop_from_gp_to_specialist_and_back(
    demo_accounts, page, sign_in, sign_out, tmp_path
):
    sign_in("medecin@demo.example.org", PASSWORD)
    reference = submit_referral(page, tmp_path, question="Souffle systolique découvert : avis ?")
    sign_out()

    sign_in("coordination@demo.example.org", PASSWORD)
    page.get_by_role("link", name="Régulation").first.click()  # the menu's, before the home's
    page.get_by_role("link", name=reference).click()
    triage_to_the_cardiologist(page, reference)
    sign_out()

    sign_in("cardiologue@demo.example.org", PASSWORD)
    take_and_answer(
        page, reference, "Souffle fonctionnel, pas d'échographie.", "Réévaluer dans un an."
    )
    sign_out()

    sign_in("medecin@demo.example.org", PASSWORD)
    page.get_by_role("link", name="Mes demandes").first.click()  # the menu's, before the home's
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text("Terminée")).to_be_visible()
    row.get_by_role("link", name=reference).click()
    answer = page.get_by_role("heading", name="Réponse du spécialiste").locator("..")
    expect(answer.get_by_text("Souffle fonctionnel, pas d'échographie.")).to_be_visible()
    expect(answer.get_by_text("Réévaluer dans un an.")).to_be_visible()
    page.get_by_role("group", name=re.compile("utile")).get_by_label("Oui").check()
    page.get_by_role("group", name=re.compile("évité")).get_by_label("Oui").check()
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_text("Merci pour votre retour.")).to_be_visible()


def test_a_patient_referred_before_is_filled_in_from_the_ins(
    demo_accounts, page, sign_in, tmp_path
):
    sign_in("medecin@demo.example.org", PASSWORD)
    submit_referral(page, tmp_path, question="Dyspnée d'effort : avis ?")

    page.get_by_role("link", name="Nouvelle demande").first.click()
    page.get_by_label("INS / NIR du patient").fill(valid_nir("1520745234005"))
    page.get_by_label("INS / NIR du patient").press("Tab")

    expect(page.get_by_text("Patient déjà adressé par vous")).to_be_visible()
    expect(page.get_by_label("Nom de naissance")).to_have_value("LAMBERT")
    expect(page.get_by_label("Date de naissance")).to_have_value("1952-07-14")
    expect(page.get_by_label("Commune de résidence")).to_have_value("45234 — Orléans (45000)")
    # Born abroad: the country replaces the birth commune.
    page.get_by_label("Né(e) à l'étranger").check()
    expect(page.get_by_label("Pays de naissance")).to_be_visible()
    expect(page.get_by_label("Commune de naissance")).to_be_hidden()
