"""The demo's transmission: the last closed quarter's report sent to the ARS."""

from django.urls import reverse

from ess.demo import seed_accounts, seed_team
from ess.models import OutboundEmail
from projet_sante.indicators.demo import seed_transmissions
from projet_sante.indicators.models import Transmission
from projet_sante.indicators.periods import previous_quarter
from tests.conftest import signed_in


def test_the_demo_sends_the_last_quarters_report_to_the_ars_once(db, settings, territory, client):
    settings.ESS_DEMO = True
    seed_team()
    users = seed_accounts()

    assert seed_transmissions(users) == 1
    assert seed_transmissions(users) == 1  # idempotent

    transmission = Transmission.objects.get()
    assert (transmission.kind, transmission.key) == ("quarterly", previous_quarter().key)
    assert [r.institution for r in transmission.recipients.all()] == ["ars"]
    assert transmission.sent_by.email == "direction@demo.example.org"
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == ["ars@demo.example.org"]
    page = signed_in(client, users["ars"]).get(reverse("projet_sante:transmissions"))
    assert reverse("projet_sante:transmission_download", args=[transmission.public_id]) in (
        page.content.decode()
    )
