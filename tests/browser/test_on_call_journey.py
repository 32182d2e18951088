"""On-call rosters in a real Chromium: the manager creates next week's shifts, generates the
roster and publishes it; a cardiologist on duty proposes a colleague; the manager approves and
the roster shows the replacement."""

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from ess.models import Specialty
from scheduling import services
from scheduling.models import OnCallDuty

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD


def test_manager_publishes_a_week_and_approves_a_swap(demo_accounts, page, sign_in, sign_out):
    cardiology = Specialty.objects.get(code="cardiologie")
    first, second = demo_accounts["cardiologue"], demo_accounts["cardiologue2"]
    services.on_call_volunteers_set(
        by=demo_accounts["direction"], specialty=cardiology, volunteers=[first, second]
    )

    sign_in("direction@demo.example.org", PASSWORD)
    page.menu("Gardes")
    page.get_by_label("Spécialité").select_option(str(cardiology.pk))
    page.follow(page.get_by_role("button", name="Afficher"))
    page.follow(page.get_by_role("link", name="Créer des gardes sur une période"))
    page.follow(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("10 gardes créées, 0 déjà au tableau.")).to_be_visible()
    page.follow(page.get_by_role("button", name="Générer la proposition"))
    expect(
        page.get_by_text(re.compile(r"Proposition : 10 gardes sur 10 attribuées"))
    ).to_be_visible()
    page.follow(page.get_by_role("button", name="Publier"))
    expect(page.get_by_text("10 gardes publiées.")).to_be_visible()
    week_url = page.url

    duty = (
        OnCallDuty.objects.filter(specialist=first)
        .select_related("shift")
        .order_by("shift__starts_at")
        .first()
    )
    start = timezone.localtime(duty.shift.starts_at)
    sign_out()
    sign_in("cardiologue@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/garde/")
    mine = page.get_by_role("region", name="Mes gardes")
    row = mine.get_by_role("row").filter(has_text=f"{start:%d/%m/%Y %H:%M}")
    row.get_by_text("Demander un échange").click()
    row.get_by_label("Remplaçant").select_option(str(second.pk))
    row.get_by_label("Motif (facultatif)").fill("Congrès")
    page.follow(row.get_by_role("button", name="Envoyer la demande d'échange"))
    expect(page.get_by_text("Demande d'échange envoyée à la direction.")).to_be_visible()

    sign_out()
    sign_in("direction@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/garde/")
    swaps = page.get_by_role("region", name="Échanges de garde à décider")
    expect(swaps.get_by_text("Congrès")).to_be_visible()
    page.follow(swaps.get_by_role("button", name="Accepter l'échange"))
    expect(page.get_by_text("Échange accepté.")).to_be_visible()

    page.goto(week_url)
    roster = page.get_by_role("table", name=re.compile("Gardes de Cardiologie"))
    row = roster.get_by_role("row").filter(has_text=f"{start:%d/%m} {start:%H:%M}–")
    expect(row.get_by_role("cell").first).to_have_text(second.display_name)

    # On a phone: the page does not scroll sideways (the table scrolls in its own box).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(week_url)
    expect(page.get_by_role("heading", name="Tableau de garde")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
