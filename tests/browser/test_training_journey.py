"""A training in a real Chromium, from its publication to the certificates: the manager
publishes a training with two places; a GP registers in one click, a nurse without an account
registers and confirms through the emailed link, a second GP lands on the waiting list; the first
GP cancels, and the second gets the place; on the evening the manager takes the attendance and
marks the training held; the attendees download their certificates of attendance."""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from ess.models import OutboundEmail
from events.models import Training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD
TITLE = "Soirée insuffisance cardiaque en ville"
NURSE = "claire.martin@exemple.fr"


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list(
    demo_accounts, page, sign_in, sign_out
):
    # The manager creates the training for tomorrow evening, then publishes it.
    tomorrow = timezone.localdate() + timedelta(days=1)
    sign_in("direction@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/evenements/gestion/")
    page.get_by_role("link", name="Nouvelle formation").click()
    page.get_by_label("Intitulé").fill(TITLE)
    page.get_by_label("Début").fill(f"{tomorrow:%Y-%m-%d}T19:30")
    page.get_by_label("Fin").fill(f"{tomorrow:%Y-%m-%d}T21:30")
    page.get_by_label("Durée certifiée (heures)").fill("2")
    page.get_by_label("Lieu").fill("Maison de santé, 12 rue de la République, Orléans")
    page.get_by_label("Nombre de places").fill("2")
    page.get_by_role("button", name="Enregistrer").click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Brouillon")
    row.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Publiée")
    training = Training.objects.get(title=TITLE)
    detail = page.base_url + f"/evenements/{training.public_id}/"
    sign_out()

    # A GP signed in registers in one click.
    sign_in("medecin@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/evenements/")
    expect(page.get_by_text("2 places restantes")).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("Votre inscription est confirmée.")).to_be_visible()
    expect(page.locator("#registration-status")).to_have_text("Inscrit·e")

    # A nurse without an account fills the form, then confirms through the emailed link.
    sign_out()
    page.goto(detail)
    expect(page.get_by_text("1 place restante.")).to_be_visible()
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Adresse électronique").fill(NURSE)
    page.get_by_label("Profession").select_option(label="Infirmier·e (IDE)")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", name="Confirmez votre inscription")).to_be_visible()
    email = OutboundEmail.objects.get(to=NURSE)
    link = re.search(r"/evenements/inscriptions/\S+/confirmer/", email.body_text).group(0)
    page.goto(page.base_url + link)
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.get_by_text("Votre inscription est confirmée.")).to_be_visible()
    expect(page.locator("#registration-status")).to_have_text("Inscrit·e")

    # A second GP finds the training full and joins the waiting list.
    sign_in("medecin2@demo.example.org", PASSWORD)
    page.goto(detail)
    expect(page.get_by_text("Complet : inscription sur liste d'attente")).to_be_visible()
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    expect(page.locator("#registration-status")).to_have_text("En liste d'attente")

    # The first GP cancels from their registrations.
    sign_out()
    sign_in("medecin@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/evenements/mes-inscriptions/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    expect(page.locator("#registration-status")).to_have_text("Annulée")

    # The second GP has the place, and was told by email.
    sign_out()
    sign_in("medecin2@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/evenements/mes-inscriptions/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#registration-status")).to_have_text("Inscrit·e")
    promoted = OutboundEmail.objects.filter(subject__contains="Une place s'est libérée")
    assert [e.to for e in promoted] == [demo_accounts["medecin2"].email.lower()]

    # The evening comes: the training has begun.
    begun = timezone.now() - timedelta(minutes=30)
    Training.objects.filter(pk=training.pk).update(
        starts_at=begun, ends_at=begun + timedelta(hours=2)
    )

    # The manager takes the attendance on the phone-sized list, then marks the training held.
    sign_out()
    sign_in("direction@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/evenements/gestion/")
    page.get_by_role("row").filter(has_text=TITLE).get_by_role("link", name="Présences").click()
    page.locator("label").filter(has_text="MARTIN Claire").click()
    page.locator("label").filter(has_text=demo_accounts["medecin2"].last_name.upper()).click()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées.")).to_be_visible()
    expect(page.get_by_text("2 présent·es sur 2 inscrit·es")).to_be_visible()
    page.goto(page.base_url + "/evenements/gestion/")
    page.get_by_role("row").filter(has_text=TITLE).get_by_role(
        "button", name="Marquer tenue"
    ).click()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Tenue")

    # The second GP downloads the certificate from their registrations.
    sign_out()
    sign_in("medecin2@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/evenements/mes-inscriptions/")
    text = _downloaded_pdf_text(page, "Attestation de présence (PDF)")
    assert TITLE.replace(" ", "") in text
    assert "2heures" in text
    assert demo_accounts["medecin2"].last_name.replace(" ", "") in text

    # The nurse, without an account, downloads hers from her registration's link.
    sign_out()
    link = re.search(r"/evenements/inscriptions/[0-9a-f-]+/", email.body_text).group(0)
    page.goto(page.base_url + link)
    text = _downloaded_pdf_text(page, "Télécharger mon attestation de présence (PDF)")
    assert TITLE.replace(" ", "") in text and "2heures" in text and "ClaireMartin" in text


def _downloaded_pdf_text(page, link_name: str) -> str:
    """The text of the PDF a link downloads, without white space."""
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    data = download.value.path().read_bytes()
    return "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
