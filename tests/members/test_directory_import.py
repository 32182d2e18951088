"""Loading the national directory of health professionals (open extraction of annuaire.sante.fr)."""

import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from stdnum import luhn

from members.models import DirectoryEntry, DirectoryIdType
from members.services.directory_import import departement_of, directory_import
from tests.conftest import signed_in
from tests.factories import UserFactory

SAMPLE = Path(__file__).resolve().parents[2] / "members" / "data" / "annuaire_sample.txt"
HEADER = (
    "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité|"
    "Nom d'exercice|Prénom d'exercice|Code profession|Libellé profession|Code savoir-faire|"
    "Libellé savoir-faire|Raison sociale site|Numéro Voie (coord. structure)|"
    "Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|"
    "Code postal (coord. structure)|Code commune (coord. structure)|"
    "Libellé commune (coord. structure)|"
)

pytestmark = pytest.mark.django_db


def rpps(n: int) -> str:
    base = f"1990{n:06d}"
    return base + luhn.calc_check_digit(base)


def line(number: str, last_name="MARTINVAL", commune="45234", specialty="Cardiologie") -> str:
    return (
        f"8|{number}|8{number}|MME|{last_name}|Anne|10|Médecin|SM04|{specialty}|Cabinet fictif|"
        f"12|Rue|DES LILAS|{commune[:2]}000|{commune}|COMMUNE FICTIVE|"
    )


def write(tmp_path, lines, name="annuaire.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def load(path, *args) -> str:
    out = StringIO()
    call_command("load_directory", str(path), *args, stdout=out)
    return out.getvalue()


def test_the_sample_loads_its_professionals_and_skips_the_malformed_line():
    summary = load(SAMPLE)

    assert DirectoryEntry.objects.count() == 29
    assert "29 professionnels importés, 0 mis à jour" in summary
    assert "1 lignes ignorées (identifiant invalide : 1)" in summary
    gp = DirectoryEntry.objects.get(last_name="BERTHELIN")
    assert gp.id_type == DirectoryIdType.RPPS
    assert gp.national_id == "8" + gp.identifier
    assert gp.specialty_label == "Médecine générale"
    # The first activity line is kept, not the second one.
    assert gp.site_name == "Maison de santé du Val"
    assert gp.departement_code == "45"
    assert gp.address.startswith("10 Avenue")
    nurse = DirectoryEntry.objects.get(last_name="WATRELOT")
    assert (nurse.id_type, nurse.identifier, nurse.profession_label) == (
        DirectoryIdType.ADELI,
        "456000000",
        "Infirmier",
    )
    assert set(DirectoryEntry.objects.values_list("departement_code", flat=True)) == {
        "45",
        "41",
        "75",
        "",  # a registered professional with no current activity, hence no practice
    }
    assert list(
        DirectoryEntry.objects.filter(has_activity=False).values_list("last_name", flat=True)
    ) == ["DUVERGIER"]


def test_loading_twice_creates_and_changes_nothing():
    load(SAMPLE)
    before = {e.national_id: e.imported_at for e in DirectoryEntry.objects.all()}

    summary = load(SAMPLE)

    assert "0 professionnels importés, 0 mis à jour, 29 inchangés" in summary
    assert {e.national_id: e.imported_at for e in DirectoryEntry.objects.all()} == before


def test_a_changed_line_updates_its_row(tmp_path):
    load(write(tmp_path, [line(rpps(1)), line(rpps(2))]))

    summary = load(write(tmp_path, [line(rpps(1)), line(rpps(2), last_name="MARTINVAL-DUBOIS")]))

    assert "0 professionnels importés, 1 mis à jour, 1 inchangés" in summary
    assert DirectoryEntry.objects.get(identifier=rpps(2)).last_name == "MARTINVAL-DUBOIS"
    assert DirectoryEntry.objects.count() == 2


def test_malformed_lines_are_skipped_and_counted(tmp_path):
    wrong_key = rpps(3)[:-1] + str((int(rpps(3)[-1]) + 1) % 10)
    path = write(
        tmp_path,
        [line(rpps(1)), line(wrong_key), "8|" + rpps(4) + "|8" + rpps(4), line("123")],
    )

    summary = load(path)

    assert list(DirectoryEntry.objects.values_list("identifier", flat=True)) == [rpps(1)]
    assert "1 professionnels importés" in summary
    assert "3 lignes ignorées (identifiant invalide : 2, ligne incomplète : 1)" in summary


def test_a_zip_holding_the_extraction_is_read(tmp_path):
    archive = tmp_path / "Extraction.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(SAMPLE, "PS_LibreAcces_Personne_activite_202612030000.txt")

    assert "29 professionnels importés" in load(archive)
    assert DirectoryEntry.objects.count() == 29


def test_a_zip_without_a_single_text_file_is_refused(tmp_path):
    archive = tmp_path / "vide.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("lisezmoi.pdf", b"")

    with pytest.raises(CommandError, match="un seul fichier"):
        load(archive)


def test_an_unexpected_header_is_refused(tmp_path):
    path = tmp_path / "autre.csv"
    path.write_text("nom;prenom\nA;B\n", encoding="utf-8")

    with pytest.raises(CommandError, match="En-tête inattendu"):
        load(path)


def test_departements_keeps_only_those_departements():
    summary = load(SAMPLE, "--departements", "45, 41")

    assert set(DirectoryEntry.objects.values_list("departement_code", flat=True)) == {"45", "41"}
    # Paris's two, and the professional without a practice.
    assert "3 hors des départements demandés" in summary


@pytest.mark.parametrize(
    ("commune", "postal", "departement"),
    [("45234", "45000", "45"), ("2A004", "20000", "2A"), ("97105", "", "971"), ("", "41000", "41")],
)
def test_departement_of(commune, postal, departement):
    assert departement_of(commune, postal) == departement


def test_queries_do_not_grow_with_the_lines(tmp_path, django_assert_max_num_queries):
    path = write(tmp_path, [line(rpps(n), commune="45234") for n in range(200)])

    with django_assert_max_num_queries(6):
        result = directory_import(path=path, batch_size=100)

    assert result.created == 200
    assert DirectoryEntry.objects.count() == 200


def test_the_admin_lists_entries_read_only(client):
    load(SAMPLE)
    admin = UserFactory(is_staff=True, is_superuser=True)
    signed_in(client, admin)
    entry = DirectoryEntry.objects.get(last_name="ESTRAGON")

    listing = client.get("/admin/members/directoryentry/?departement_code=45")
    detail = client.get(f"/admin/members/directoryentry/{entry.pk}/change/")

    assert listing.status_code == 200
    assert "ESTRAGON" in listing.text
    assert "VERNOUILLET" not in listing.text
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.text
    assert client.get("/admin/members/directoryentry/add/").status_code == 403


def test_a_value_longer_than_its_column_is_cut(tmp_path):
    load(write(tmp_path, [line(rpps(1), specialty="S" * 500)]))

    assert DirectoryEntry.objects.get().specialty_label == "S" * 200
