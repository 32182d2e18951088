"""Importing an existing member list from CSV: all or nothing, errors named by line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ess.models import OutboundEmail
from members.models import Membership, User
from tests.factories import MembershipFactory, UserFactory, valid_rpps

URL = reverse("members:membership_import")
HEADER = (
    "courriel;prenom;nom;profession;rpps;adeli;specialite;competences;mode_exercice;secteur;"
    "adresse;commune;telephone;participations;langues;membre_depuis"
)


def line(email, rpps, **overrides):
    values = {
        "courriel": email,
        "prenom": "Jean",
        "nom": "Durand",
        "profession": "medecin",
        "rpps": rpps,
        "adeli": "",
        "specialite": "cardiologie",
        "competences": "rythmologie",
        "mode_exercice": "liberal",
        "secteur": "secteur_1",
        "adresse": "3 place du Martroi",
        "commune": "45234",
        "telephone": "0238000001",
        "participations": "soins_non_programmes|teleexpertise",
        "langues": "",
        "membre_depuis": "2024-09-01",
        **overrides,
    }
    return ";".join(values.values())


def upload(client, *lines, encoding="utf-8"):
    content = "\n".join([HEADER, *lines]).encode(encoding)
    return client.post(URL, {"file": SimpleUploadedFile("membres.csv", content)})


def test_a_valid_list_is_imported_and_new_members_get_their_activation_link(
    client_for, manager, rythmology
):
    known = UserFactory(email="deja@exemple.fr", requester=True)

    response = upload(
        client_for(manager),
        line("jean.durand@exemple.fr", valid_rpps("3000000001")),
        line("deja@exemple.fr", valid_rpps("3000000002"), nom="Déjà-Là"),
    )

    assert response.status_code == 302
    new = Membership.objects.get(email="jean.durand@exemple.fr")
    assert new.status == "validated"
    assert new.user.roles == {"specialist"}
    assert new.unscheduled_care and new.teleexpertise
    assert timezone.localdate(new.joined_at).isoformat() == "2024-09-01"
    assert [c.code for c in new.competences.all()] == ["rythmologie"]
    assert OutboundEmail.objects.filter(to=new.email, subject__contains="activez").exists()
    existing = Membership.objects.get(email="deja@exemple.fr")
    assert existing.status == "active"
    assert existing.user == known


def test_a_faulty_line_imports_nothing_and_is_named(client_for, manager, rythmology):
    response = upload(
        client_for(manager),
        line("a@exemple.fr", valid_rpps("3000000001")),
        line("b@exemple.fr", "30000000010"),  # wrong key
        line("c@exemple.fr", valid_rpps("3000000003"), commune="99999"),
    )

    assert response.status_code == 200
    assert "Rien n'a été importé" in response.text
    errors = response.context["errors"]
    assert any(e.startswith("Ligne 3 : La clé du numéro RPPS est incorrecte") for e in errors)
    assert any(e.startswith("Ligne 4 : lieu d'exercice incomplet") for e in errors)
    assert not any(e.startswith("Ligne 2") for e in errors)
    assert not Membership.objects.exists()
    assert not User.objects.filter(email="a@exemple.fr").exists()


def test_duplicates_in_the_file_or_with_existing_members_are_refused(
    client_for, manager, rythmology
):
    MembershipFactory(email="membre@exemple.fr")
    rpps = valid_rpps("3000000001")

    response = upload(
        client_for(manager),
        line("x@exemple.fr", rpps),
        line("y@exemple.fr", rpps),
        line("membre@exemple.fr", valid_rpps("3000000002")),
    )

    errors = response.context["errors"]
    assert "Ligne 3 : même RPPS qu'à la ligne 2" in errors
    assert "Ligne 4 : membre@exemple.fr est déjà membre ou candidat" in errors
    assert Membership.objects.count() == 1


def test_a_file_saved_by_excel_with_commas_and_windows_1252_is_read(
    client_for, manager, rythmology
):
    content = (
        HEADER.replace(";", ",")
        + "\n"
        + line("é@exemple.fr", valid_rpps("3000000001"), nom="Hélène").replace(";", ",")
    )

    response = client_for(manager).post(
        URL, {"file": SimpleUploadedFile("m.csv", content.encode("cp1252"))}
    )

    assert response.status_code == 302
    assert Membership.objects.get().last_name == "Hélène"


def test_missing_columns_are_reported_on_line_one(client_for, manager, territory):
    response = client_for(manager).post(
        URL, {"file": SimpleUploadedFile("m.csv", b"courriel;nom\na@b.fr;X\n")}
    )

    assert (
        "Ligne 1 : colonnes manquantes : prenom, profession, mode_exercice, secteur."
        in (response.context["errors"])
    )


@pytest.mark.parametrize("persona", ["requester", "coordinator", "specialist", "authority"])
def test_only_managers_import(client_for, request, persona, territory):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403
    assert upload(client, line("a@exemple.fr", valid_rpps("3000000001"))).status_code == 403
    assert not Membership.objects.exists()
