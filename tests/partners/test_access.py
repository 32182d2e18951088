"""Who sees what under /partenaires/ and in the API, for every persona."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from ess.models import AuditEvent
from partners.selectors import conventions_visible_to, partners_visible_to
from tests.factories import (
    ConventionFactory,
    OrganisationFactory,
    PartnerFactory,
    ReferralFactory,
    UserFactory,
)

READERS = {"coordinator", "specialist", "paramedic", "manager", "authority"}
REGISTER = {"manager", "authority"}


@pytest.fixture
def partner_with_referrals(db):
    partner = PartnerFactory(name="CPTS du Val")
    organisation = OrganisationFactory(kind="cpts", partner=partner)
    requester = UserFactory(requester=True, organisation=organisation)
    referrals = [ReferralFactory(requester=requester) for _ in range(3)]
    ConventionFactory(active=True, parties=[partner], title="Partenariat du Val")
    return partner, referrals


@pytest.mark.parametrize(
    "persona",
    ["requester", "coordinator", "specialist", "paramedic", "manager", "authority", "anonymous"],
)
def test_partner_pages_and_api_per_persona(
    db, client, client_for, api_client, personas, persona, partner_with_referrals
):
    partner, referrals = partner_with_referrals
    user = personas[persona]
    http = client if persona == "anonymous" else client_for(user)
    if persona != "anonymous":
        api_client.force_authenticate(user)

    list_page = http.get("/partenaires/")
    detail = http.get(f"/partenaires/{partner.public_id}/")
    api = api_client.get("/api/v1/partners/")
    conventions = api_client.get("/api/v1/conventions/")

    assert partners_visible_to(user).exists() is (persona in READERS)
    assert conventions_visible_to(user).exists() is (persona in READERS)
    if persona == "anonymous":
        assert (list_page.status_code, detail.status_code) == (302, 302)
        assert (api.status_code, conventions.status_code) == (401, 401)
        return
    if persona not in READERS:
        assert (list_page.status_code, detail.status_code) == (403, 404)
        assert api.json()["count"] == conventions.json()["count"] == 0
        return
    assert list_page.status_code == detail.status_code == 200
    assert "CPTS du Val" in list_page.text
    assert "Partenariat du Val" in detail.text
    assert api.json()["results"][0]["has_active_convention"] is True
    assert conventions.json()["count"] == 1
    text = detail.text
    if persona == "coordinator":
        assert "3 demandes au total" in text
        assert all(r.reference in text for r in referrals)
        assert AuditEvent.objects.filter(actor=user, object_label=referrals[0].reference).exists()
    elif persona == "authority":
        assert "demandes au total" not in text
        assert referrals[0].reference not in text
    else:
        assert "3 demandes au total" in text
        assert referrals[0].reference not in text
    manage = http.get("/partenaires/nouveau/").status_code
    assert manage == (200 if persona == "manager" else 403)


@pytest.mark.parametrize(
    "persona", ["requester", "coordinator", "specialist", "manager", "authority"]
)
def test_the_register_is_for_managers_and_authority_users(db, client_for, personas, persona):
    ConventionFactory(active=True)
    http = client_for(personas[persona])

    codes = [
        http.get(f"/partenaires/conventions/{p}").status_code
        for p in ("", "registre.csv", "registre.pdf")
    ]

    assert codes == ([200] * 3 if persona in REGISTER else [403] * 3)


def test_the_register_csv_opens_in_excel_and_is_audited(db, client_for, authority, manager):
    cpts, dac = PartnerFactory(name="CPTS Nord"), PartnerFactory(name="DAC 45")
    convention = ConventionFactory(
        active=True,
        parties=[cpts, dac],
        title="Protocole parcours",
        referent=manager,
        end_on=timezone.localdate() + timedelta(days=300),
    )
    ConventionFactory(status="terminated", termination_reason="Fusion des CPTS", title="Ancienne")

    response = client_for(authority).get("/partenaires/conventions/registre.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue()  # streamed: read once
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Intitulé", "Type", "Partenaires", "Statut"]
    row = next(r for r in rows if r[0] == "Protocole parcours")
    assert row[2] == "CPTS Nord, DAC 45"
    assert row[3] == "En vigueur"
    assert row[6] == convention.end_on.strftime("%d/%m/%Y")
    assert next(r for r in rows if r[0] == "Ancienne")[-1] == "Fusion des CPTS"
    assert AuditEvent.objects.filter(actor=authority, action="export").count() == 2


def test_the_register_csv_escapes_free_text_a_spreadsheet_would_run(db, client_for, manager):
    partner = PartnerFactory(name='=HYPERLINK("https://example.org","CPTS")')
    ConventionFactory(
        status="terminated",
        parties=[partner],
        title="@SUM(1+1)",
        termination_reason='=HYPERLINK("https://example.org/x","Voir")',
    )

    response = client_for(manager).get("/partenaires/conventions/registre.csv")

    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if "SUM" in r[0])
    assert row[0] == "'@SUM(1+1)"
    assert row[2] == '\'=HYPERLINK("https://example.org","CPTS")'
    assert row[-1] == '\'=HYPERLINK("https://example.org/x","Voir")'


def test_the_register_pdf_lists_conventions_with_french_dates(db, client_for, manager):
    convention = ConventionFactory(
        active=True,
        parties=[PartnerFactory(name="EHPAD Les Tilleuls")],
        title="Protocole de coopération",
        signed_on=date(timezone.localdate().year - 1, 2, 14),
        effective_on=date(timezone.localdate().year - 1, 3, 1),
    )

    response = client_for(manager).get("/partenaires/conventions/registre.pdf")

    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Registre des conventions et protocoles" in text
    assert "Protocole de coopération" in text
    assert "EHPAD Les Tilleuls" in text
    assert "En vigueur" in text
    assert f"14 février {convention.signed_on.year}" in text
    assert f"1er mars {convention.effective_on.year}" in text
    assert "Page 1 sur 1" in text
    assert AuditEvent.objects.filter(actor=manager, action="print").count() == 1


def test_the_register_lists_conventions_in_force_first_then_coming_then_history(
    db, client_for, manager
):
    for status, title in [
        ("terminated", "Résiliée"),
        ("draft", "Projet"),
        ("expired", "Échue"),
        ("active", "En vigueur"),
        ("negotiation", "Négociation"),
    ]:
        dates = {"signed_on": timezone.localdate() - timedelta(days=400)}
        dates["effective_on"] = dates["signed_on"]
        ConventionFactory(status=status, title=title, termination_reason="Fusion", **dates)

    response = client_for(manager).get("/partenaires/conventions/registre.csv")

    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["En vigueur", "Négociation", "Projet", "Échue", "Résiliée"]
