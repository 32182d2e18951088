"""The association's pages: the management runs everything; a member reads the assemblies once
convened, the minutes of those held and their own fees; anyone else is refused. The minutes as
a PDF, the fees' CSV export, lists in a constant number of queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from association import services
from association.models import AssemblyStatus, Attendance, FeeYear, Statutes
from ess.models import OutboundEmail
from tests.factories import MembershipFactory, UserFactory
from tests.referrals.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_text(response) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return squeeze(text)


def _held(scene):
    a, b, c, _ = scene.members
    services.legal_identity_update(
        by=scene.manager,
        rna="W451012345",
        siret="91234567500017",
        seat_address="1 rue de la République, Orléans",
        signatory_name="Dr Marc Rousseau",
        signatory_function="Président",
    )
    assembly = scene.convened()
    scene.present(assembly, a, b)
    scene.proxy(assembly, c, a)
    services.resolution_record(
        assembly_id=assembly.pk,
        by=scene.manager,
        title="Approbation des comptes",
        votes_for=3,
        votes_against=0,
        abstentions=0,
    )
    services.resolution_record(
        assembly_id=assembly.pk,
        by=scene.manager,
        title="Modification des statuts",
        votes_for=2,
        votes_against=1,
        abstentions=0,
        qualified_majority="0.75",
    )
    return services.assembly_hold(assembly_id=assembly.pk, by=scene.manager)


def test_the_management_sees_assemblies_attendance_and_quorum(scene, client_for):
    assembly = _held(scene)
    http = client_for(scene.manager)

    home = http.get(reverse("association:home")).content.decode()
    page = http.get(reverse("association:assembly_detail", args=[assembly.public_id]))

    assert "W451012345" in home
    assert "Programmer une assemblée" in home
    text = page.content.decode()
    assert "2 présents et 1 représenté sur 4 membres." in text
    assert "Quorum : 2 membres présents ou représentés." in text
    assert "représenté par" in text
    assert "adoptée" in text and "rejetée" in text


def test_a_member_reads_convened_and_held_assemblies_and_their_own_fees(scene, client_for):
    held = _held(scene)
    convened = scene.convened(days=30)
    planned = scene.assembly()
    services.fee_year_set(by=scene.manager, year=2026, amount="30")
    member = scene.members[0]
    services.fee_payment_record(
        by=scene.manager,
        year=2026,
        membership_id=member.pk,
        paid_on=timezone.localdate(),
        means="cheque",
    )
    http = client_for(member.user)

    home = http.get(reverse("association:home"))
    assert home.status_code == 200
    text = home.content.decode()
    assert str(held.public_id) in text and str(convened.public_id) in text
    assert str(planned.public_id) not in text
    assert "Mes cotisations" in text and "payée le" in text
    assert "Fixer la cotisation" not in text
    detail = http.get(reverse("association:assembly_detail", args=[held.public_id]))
    assert "Procès-verbal (PDF)" in detail.content.decode()
    assert "Noter la présence" not in detail.content.decode()
    assert "représenté par" not in detail.content.decode()  # attendance is the management's
    for name, obj in (("assembly_detail", planned), ("minutes_pdf", convened)):
        assert http.get(reverse(f"association:{name}", args=[obj.public_id])).status_code == 404
    assert http.get(reverse("association:fees", args=[2026])).status_code == 403
    assert http.get(reverse("association:assembly_edit", args=[held.public_id])).status_code in (
        403,
        404,
    )


def test_a_member_cannot_record_attendance_and_nothing_changes(scene, client_for):
    assembly = scene.convened()
    member = scene.members[0]

    response = client_for(member.user).post(
        reverse("association:attendance", args=[assembly.public_id]),
        {"membership": member.pk},
    )

    assert response.status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "requester", "authority", "specialist"])
def test_who_is_neither_manager_nor_member_is_refused(scene, client_for, persona):
    assembly = _held(scene)
    outsider = UserFactory(**{persona: True})
    http = client_for(outsider)

    assert http.get(reverse("association:home")).status_code == 403
    assert http.get(reverse("association:statutes")).status_code == 403
    for name in ("assembly_detail", "minutes_pdf"):
        assert (
            http.get(reverse(f"association:{name}", args=[assembly.public_id])).status_code == 404
        )


def test_the_signed_out_are_sent_to_sign_in(client):
    response = client.get(reverse("association:home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_management_plans_an_assembly_from_its_form(scene, client_for):
    response = client_for(scene.manager).post(
        reverse("association:assembly_create"),
        {
            "kind": "extraordinary",
            "starts_at": "2030-05-20T18:30",
            "place": "Orléans",
            "agenda": "Modification des statuts",
            "quorum": "0,5",
            "max_proxies": "2",
        },
    )

    assert response.status_code == 302
    page = client_for(scene.manager).get(response["Location"]).content.decode()
    assert "Assemblée générale extraordinaire du 20/05/2030" in page
    assert "Convoquer les membres" in page


def test_the_identity_form_shows_the_rna_refusal(scene, client_for):
    response = client_for(scene.manager).post(
        reverse("association:identity_edit"), {"rna": "12345", "siret": ""}
    )

    assert response.status_code == 200
    assert "W suivi de 9 chiffres" in response.content.decode()


def test_the_minutes_pdf_carries_the_identity_attendance_quorum_and_votes(scene, client_for):
    assembly = _held(scene)
    a, _b, c, _d = scene.members

    response = client_for(c.user).get(reverse("association:minutes_pdf", args=[assembly.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response)
    for expected in (
        "Procès-verbal de l'assemblée générale ordinaire",
        "RNA W451012345",
        "SIRET 91234567500017",
        "2 présents et 1 représenté sur 4 membres.",
        "Quorum requis : 2 (50 % des membres)",
        "atteint",
        a.display_name,
        f"Représenté·e par {a.display_name}",
        "Présent·e",
        "Approbation des comptes",
        "Pour : 3 · Contre : 0 · Abstentions : 0",
        "adoptée",
        "Modification des statuts",
        "rejetée",
        "Dr Marc Rousseau, Président",
    ):
        assert squeeze(expected) in text, expected


def test_the_fees_export_lists_payers_and_the_unpaid_with_formulas_escaped(scene, client_for):
    payer = MembershipFactory(active=True, last_name="=HYPERLINK(1)", first_name="Eve")
    services.fee_year_set(by=scene.manager, year=2026, amount="30,50")
    services.fee_payment_record(
        by=scene.manager,
        year=2026,
        membership_id=payer.pk,
        paid_on=timezone.localdate(),
        means="transfer",
    )

    response = client_for(scene.manager).get(reverse("association:fees_export", args=[2026]))

    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0] == ["Nom", "Prénom", "Courriel", "Payé le", "Montant (€)", "Moyen"]
    assert rows[1][:2] == ["'=HYPERLINK(1)", "Eve"]
    assert rows[1][4:] == ["30,50", "Virement"]
    unpaid = {row[0] for row in rows[2:]}
    assert unpaid == {m.last_name for m in scene.members}
    assert all(row[3] == "non payée" for row in rows[2:])


def test_the_fees_page_shows_totals_in_french_format(scene, client_for):
    services.fee_year_set(by=scene.manager, year=2026, amount="1000")
    services.fee_payment_record(
        by=scene.manager,
        year=2026,
        membership_id=scene.members[0].pk,
        paid_on=timezone.localdate(),
        means="card",
    )

    page = client_for(scene.manager).get(reverse("association:fees", args=[2026]))

    text = page.content.decode()
    assert "1\u202f000,00\u00a0€" in text
    assert (
        "3 membres n&#x27;ont pas encore payé" in text or "3 membres n'ont pas encore payé" in text
    )


def test_a_fee_set_from_the_page_lands_on_its_year(scene, client_for):
    response = client_for(scene.manager).post(
        reverse("association:fee_year_set"), {"year": "2026", "amount": "35,00"}
    )
    assert response["Location"] == reverse("association:fees", args=[2026])
    assert FeeYear.objects.get(year=2026).amount == 35


def test_a_payment_recorded_from_the_fees_page_is_listed(scene, client_for):
    services.fee_year_set(by=scene.manager, year=2026, amount="30")
    member = scene.members[0]
    client = client_for(scene.manager)

    response = client.post(
        reverse("association:fee_payment", args=[2026]),
        {"membership": member.pk, "paid_on": "2026-03-02", "amount": "", "means": "cheque"},
    )

    assert response["Location"] == reverse("association:fees", args=[2026])
    payment = member.fee_payments.get()
    assert (payment.amount, payment.means) == (30, "cheque")
    assert member.display_name in client.get(response["Location"]).content.decode()


def test_a_payment_with_a_bad_amount_is_refused_in_french_and_writes_nothing(scene, client_for):
    services.fee_year_set(by=scene.manager, year=2026, amount="30")
    client = client_for(scene.manager)

    response = client.post(
        reverse("association:fee_payment", args=[2026]),
        {
            "membership": scene.members[0].pk,
            "paid_on": "2026-03-02",
            "amount": "trente",
            "means": "cheque",
        },
        follow=True,
    )

    assert "Indiquez un montant en euros supérieur à zéro" in response.content.decode()
    assert not FeeYear.objects.get(year=2026).payments.exists()


def test_the_lists_run_a_constant_number_of_queries(
    scene, client_for, django_assert_max_num_queries
):
    http = client_for(scene.manager)
    _held(scene)
    services.fee_year_set(by=scene.manager, year=2026, amount="30")

    def load_all():
        http.get(reverse("association:home"))
        http.get(reverse("association:fees", args=[2026]))

    load_all()
    with django_assert_max_num_queries(40) as few:
        load_all()
    for _ in range(5):
        held = _held(scene)
        for m in (MembershipFactory(active=True) for _ in range(3)):
            services.fee_payment_record(
                by=scene.manager,
                year=2026,
                membership_id=m.pk,
                paid_on=timezone.localdate(),
                means="cash",
            )
        assert held
    with django_assert_max_num_queries(len(few.captured_queries)):
        load_all()


def test_the_statutes_are_uploaded_as_a_pdf_and_read_by_members(scene, client_for):
    http = client_for(scene.manager)
    refused = http.post(
        reverse("association:statutes_upload"),
        {"upload": SimpleUploadedFile("statuts.txt", b"Article 1", content_type="text/plain")},
        follow=True,
    )
    assert "Les statuts se déposent en PDF" in refused.content.decode()
    assert not Statutes.objects.exists()

    http.post(
        reverse("association:statutes_upload"),
        {"upload": SimpleUploadedFile("statuts-2024.pdf", PDF_BYTES, "application/pdf")},
    )

    member = client_for(scene.members[0].user)
    response = member.get(reverse("association:statutes"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "statuts-2024.pdf" in response["Content-Disposition"]


def test_an_assembly_whose_date_is_past_cannot_be_convened(scene, client_for):
    past = scene.assembly(starts_at=timezone.now() - timedelta(days=2))
    client = client_for(scene.manager)
    page = client.get(reverse("association:assembly_detail", args=[past.public_id]))
    assert "Convoquer les membres" not in page.content.decode()

    response = client.post(reverse("association:convene", args=[past.public_id]), follow=True)

    assert "La date de cette assemblée est passée" in response.content.decode()
    assert not OutboundEmail.objects.exists()
    past.refresh_from_db()
    assert past.status == AssemblyStatus.PLANNED
    upcoming = scene.assembly()
    page = client.get(reverse("association:assembly_detail", args=[upcoming.public_id]))
    assert "Convoquer les membres" in page.content.decode()


def test_a_two_thirds_vote_is_shown_adopted_with_a_majority_of_0_67(scene, client_for):
    assembly = scene.convened()
    a, b, c, _ = scene.members
    scene.present(assembly, a, b, c)
    client = client_for(scene.manager)

    response = client.post(
        reverse("association:resolution", args=[assembly.public_id]),
        {
            "title": "Modification des statuts",
            "votes_for": "2",
            "votes_against": "1",
            "abstentions": "0",
            "qualified_majority": "0,67",
        },
        follow=True,
    )

    html = response.content.decode()
    assert "Modification des statuts" in html
    assert "adoptée" in html and "rejetée" not in html


def test_the_assemblies_are_listed_latest_first(scene, client_for):
    now = timezone.now()
    for days in (30, -400, 200, -10):
        scene.assembly(starts_at=now + timedelta(days=days))

    page = client_for(scene.manager).get(reverse("association:home"))

    listed = [a.starts_at for a in page.context["assemblies"]]
    assert len(listed) == 4
    assert listed == sorted(listed, reverse=True)


def test_attendance_counts_agree_with_their_number(scene, client_for):
    assembly = scene.convened()
    scene.present(assembly, scene.members[0])

    page = client_for(scene.manager).get(
        reverse("association:assembly_detail", args=[assembly.public_id])
    )

    assert "1 présent et " in page.content.decode()


def test_the_association_s_statutes_are_not_called_statuses_in_english(scene, client_for, settings):
    services.legal_identity_update(
        by=scene.manager,
        rna="W451012345",
        siret="91234567500017",
        seat_address="Orléans",
        signatory_name="Dr Marc Rousseau",
        signatory_function="Président",
    )
    client = client_for(scene.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    home = client.get(reverse("association:home")).content.decode()

    assert "Dr Marc Rousseau" in home and 'lang="en"' in home
    assert "Statuses" not in home


def test_the_payment_form_offers_only_the_members_who_have_not_paid(scene, client_for):
    services.fee_year_set(by=scene.manager, year=2026, amount="30")
    paid, unpaid = scene.members[0], scene.members[1]
    services.fee_payment_record(
        by=scene.manager,
        year=2026,
        membership_id=paid.pk,
        paid_on=timezone.localdate(),
        means="cash",
    )

    page = client_for(scene.manager).get(reverse("association:fees", args=[2026]))

    offered = list(page.context["payment_form"].fields["membership"].queryset)
    assert unpaid in offered and paid not in offered
    assert f'<option value="{paid.pk}"' not in page.content.decode()


def test_a_payment_dated_years_before_the_fee_is_refused_one_in_advance_is_not(scene, client_for):
    services.fee_year_set(by=scene.manager, year=2026, amount="30")
    url = reverse("association:fee_payment", args=[2026])
    client = client_for(scene.manager)

    response = client.post(
        url,
        {"membership": scene.members[0].pk, "paid_on": "2019-12-01", "means": "cheque"},
        follow=True,
    )
    assert "date de 2025 au plus tôt" in response.content.decode()
    assert not FeeYear.objects.get(year=2026).payments.exists()

    client.post(
        url, {"membership": scene.members[0].pk, "paid_on": "2025-12-15", "means": "cheque"}
    )
    assert FeeYear.objects.get(year=2026).payments.get().paid_on.isoformat() == "2025-12-15"
