"""A télé-RCP in a real Chromium: the coordinator plans a meeting, puts a GP's referral on its
agenda from the referral's page, records the decision, marks the meeting held and downloads the
minutes; the GP reads the decision in the referral's history."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from meetings.models import CaseMeeting
from tests.factories import ReferralFactory, cardiology

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD
DECISION = "Introduire sacubitril-valsartan ; kaliémie et créatinine à J7."


def test_coordinator_holds_a_case_meeting_and_the_gp_reads_the_decision(
    demo_accounts, page, sign_in, sign_out
):
    referral = ReferralFactory(triaged=True, requester=demo_accounts["medecin"])
    # Planned a few minutes ahead (a meeting is planned for a time to come), then begun (it can
    # be marked held), today (cases are put on meetings from today on), even just after midnight.
    now = timezone.localtime()
    planned = now + timedelta(minutes=10)
    started = max(now - timedelta(hours=1), now.replace(hour=0, minute=0, second=0, microsecond=0))

    sign_in("coordination@demo.example.org", PASSWORD)
    page.menu("Télé-RCP")
    page.get_by_role("link", name="Programmer une télé-RCP").click()
    page.get_by_label("Intitulé").fill("RCP insuffisance cardiaque")
    page.get_by_label("Spécialité").select_option(str(cardiology().pk))
    page.get_by_label("Date et heure").fill(f"{planned:%Y-%m-%dT%H:%M}")
    page.get_by_label("Lien de visioconférence").fill("https://visio.exemple.fr/rcp")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Télé-RCP « RCP insuffisance cardiaque » programmée.")).to_be_visible()

    page.goto(page.base_url + f"/demandes/{referral.public_id}/")
    page.get_by_role("link", name="Inscrire en télé-RCP").click()
    page.get_by_label("Question posée à la RCP").fill("Faut-il introduire un ARNI ?")
    page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    expect(page.get_by_text("Dossier inscrit à l'ordre du jour.")).to_be_visible()
    expect(page.get_by_text(referral.patient.display_name)).to_be_visible()
    CaseMeeting.objects.filter(title="RCP insuffisance cardiaque").update(starts_at=started)
    page.reload()  # the meeting has begun

    page.get_by_label("Décision de la RCP").fill(DECISION)
    page.get_by_role("button", name="Enregistrer la décision").click()
    recorded = "Décision enregistrée et transmise au médecin traitant."
    expect(page.get_by_text(recorded)).to_be_visible()
    page.get_by_role("button", name="Marquer la télé-RCP tenue").click()
    expect(page.get_by_text("Télé-RCP marquée tenue.")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Compte rendu (PDF)").click()
    data = download.value.path().read_bytes()
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "".join(DECISION.split()) in text
    assert "Faut-ilintroduireunARNI?" in text

    sign_out()
    sign_in("medecin@demo.example.org", PASSWORD)
    page.goto(page.base_url + f"/demandes/{referral.public_id}/")
    history = page.get_by_role("region", name="Historique")
    expect(history.get_by_text("Décision de télé-RCP")).to_be_visible()
    expect(history.get_by_text(DECISION, exact=False)).to_be_visible()
