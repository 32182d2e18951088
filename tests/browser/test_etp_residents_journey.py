"""The ETP programmes and the residents in a real Chromium (axe checks every page): the
coordinator records a session of the demo programme and places a resident on the demo offer,
after which the offer offers no more placement."""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from events.demo import seed_events

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD


def test_coordinator_records_an_etp_session_and_places_a_resident(demo_accounts, page, sign_in):
    seed_events(demo_accounts)
    demo_accounts["cardiologue"].resident_supervision.places.get().placements.all().delete()
    today = timezone.localdate()

    sign_in("coordination@demo.example.org", PASSWORD)
    page.menu("ETP et internes")
    page.get_by_role("link", name="Vivre avec une insuffisance cardiaque").click()
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Thème de la séance").fill("Reconnaître une décompensation")
    page.get_by_label("Nombre de patients").fill("7")
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_text("Séance enregistrée.")).to_be_visible()
    expect(page.get_by_role("cell", name="Reconnaître une décompensation")).to_be_visible()

    page.get_by_role("link", name="Programmes d'ETP", exact=True).click()
    page.get_by_role("link", name="Internes", exact=True).click()
    expect(page.get_by_text("Aucun interne placé.")).to_be_visible()
    page.get_by_role("link", name="Placer un interne").click()
    page.get_by_label("Nom de l'interne").fill("Camille Lefèvre")
    page.get_by_label("Début").fill(f"{today.year}-11-02")
    page.get_by_label("Fin").fill(f"{today.year + 1}-04-30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Stage enregistré.")).to_be_visible()
    expect(page.get_by_text("1 place pourvue sur 1")).to_be_visible()
    expect(page.get_by_role("link", name="Placer un interne")).to_have_count(0)
