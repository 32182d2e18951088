"""A version of the health project is validated by two signatures, the ARS's and the CPAM's: in
either order, once per institution and round; a revision request clears the round's signatures;
an authority account attached to no institution cannot sign. The page, the API and the PDF
cover show where the signatures stand."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from ess.errors import TransitionNotAllowed
from ess.models import Notification
from projet_sante.project import services as ps
from projet_sante.project.models import VersionEvent, VersionSignature, VersionStatus
from projet_sante.project.pdf import render_project_pdf
from projet_sante.project.selectors import signature_date
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(project_draft, project_manager):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    project_draft.refresh_from_db()
    return project_draft


def _signed(version) -> list[tuple[str, str]]:
    return list(version.signatures.order_by("signed_at").values_list("institution", "note"))


@pytest.mark.parametrize("order", [("ars", "cpam"), ("cpam", "ars")])
def test_a_version_is_validated_once_both_institutions_have_signed(
    order, submitted, project_authority, project_cpam, project_manager
):
    signers = {"ars": project_authority, "cpam": project_cpam}
    first, second = (signers[i] for i in order)

    version = ps.version_validate(version_id=submitted.pk, by=first, note="Avis favorable.")
    assert version.status == VersionStatus.SUBMITTED
    assert version.validated_at is None
    assert _signed(version) == [(order[0], "Avis favorable.")]
    assert not version.events.filter(to_status="validated").exists()
    # The managers and the other institution hear of it; the version is still open to comments.
    waiting = "la CPAM" if order[0] == "ars" else "l'ARS"
    assert Notification.objects.filter(
        recipient=project_manager, title__contains=f"en attente de {waiting}"
    ).exists()
    assert Notification.objects.filter(recipient=second, title__contains="Signée par").exists()
    ps.comment_add(version_id=version.pk, by=second, body="Nous relisons.")

    version = ps.version_validate(version_id=submitted.pk, by=second)
    assert version.status == VersionStatus.VALIDATED
    assert (version.validated_by, version.is_frozen) == (second, True)
    assert [i for i, _note in _signed(version)] == list(order)
    event = version.events.get(to_status="validated")
    assert (event.from_status, event.actor) == ("submitted", second)
    assert Notification.objects.filter(recipient=project_manager, title__contains="validé").exists()


def test_an_institution_signs_once_whoever_signs_for_it(submitted, project_authority):
    colleague = UserFactory(authority=True)  # another ARS account
    ps.version_validate(version_id=submitted.pk, by=project_authority)
    again = ps.version_validate(version_id=submitted.pk, by=project_authority)
    other = ps.version_validate(version_id=submitted.pk, by=colleague, note="Moi aussi.")
    assert again.status == other.status == VersionStatus.SUBMITTED
    signature = VersionSignature.objects.get(version=submitted)
    assert (signature.institution, signature.signed_by, signature.note) == (
        "ars",
        project_authority,
        "",
    )


def test_a_revision_request_from_either_institution_clears_the_round(
    submitted, project_authority, project_cpam, project_manager
):
    ps.version_validate(version_id=submitted.pk, by=project_authority)
    version = ps.version_request_revision(
        version_id=submitted.pk, by=project_cpam, reason="Préciser le budget."
    )
    assert version.status == VersionStatus.REVISION_REQUESTED
    assert not version.signatures.exists()
    # Submitted again: the ARS signs anew, and one signature is not enough.
    ps.version_submit(version_id=submitted.pk, by=project_manager)
    version = ps.version_validate(version_id=submitted.pk, by=project_cpam)
    assert version.status == VersionStatus.SUBMITTED
    version = ps.version_validate(version_id=submitted.pk, by=project_authority)
    assert version.status == VersionStatus.VALIDATED
    assert sorted(i for i, _note in _signed(version)) == ["ars", "cpam"]


def test_a_signature_before_submission_or_after_a_revision_request_is_refused(
    project_draft, project_authority, project_cpam, project_manager
):
    with pytest.raises(TransitionNotAllowed):
        ps.version_validate(version_id=project_draft.pk, by=project_authority)
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.version_request_revision(version_id=project_draft.pk, by=project_authority, reason="Non.")
    with pytest.raises(TransitionNotAllowed):
        ps.version_validate(version_id=project_draft.pk, by=project_cpam)
    assert not VersionSignature.objects.exists()


def test_an_authority_without_an_institution_cannot_sign(submitted, client_for):
    loose = UserFactory(authority=True, institution="")
    with pytest.raises(PermissionDenied, match="rattaché ni à l'ARS ni à la CPAM"):
        ps.version_validate(version_id=submitted.pk, by=loose)
    assert not VersionSignature.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == VersionStatus.SUBMITTED
    # The page says why, and offers no signature.
    html = client_for(loose).get(f"/projet-sante/versions/{submitted.public_id}/").content
    html = html.decode()
    assert "rattaché ni à l&#x27;ARS ni à la CPAM" in html
    assert "Valider cette version" not in html


@pytest.mark.parametrize("persona", ["manager", "coordinator", "specialist", "requester"])
def test_only_authority_users_sign(persona, request, submitted, client_for):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        ps.version_validate(version_id=submitted.pk, by=user)
    response = client_for(user).post(
        f"/projet-sante/versions/{submitted.public_id}/valider/", {"note": ""}
    )
    assert response.status_code in (403, 404)
    assert not VersionSignature.objects.exists()


def test_the_version_page_shows_each_institution_the_others_signature_and_comments(
    submitted, project_authority, project_cpam, client_for
):
    ps.comment_add(version_id=submitted.pk, by=project_authority, body="Sources des données ?")
    ps.version_validate(version_id=submitted.pk, by=project_authority)
    signature = submitted.signatures.get()
    day = signature_date(signature)

    html = client_for(project_cpam).get(f"/projet-sante/versions/{submitted.public_id}/")
    html = html.content.decode()
    assert f"Signée par l&#x27;ARS le {day}, en attente de la CPAM." in html
    assert "La version n'est pas encore validée" in html
    assert f"ARS : signée par {project_authority.display_name} le {day}" in html
    assert "CPAM : pas encore signée" in html
    assert "Sources des données ?" in html
    assert f"{project_authority.display_name} (ARS)" in html
    assert "Valider cette version" in html  # the CPAM has not signed yet


def test_the_api_lists_the_signatures_and_offers_signing_to_who_may(
    submitted, project_authority, project_cpam, api_client
):
    ps.version_validate(version_id=submitted.pk, by=project_authority)
    url = f"/api/v1/project-versions/{submitted.public_id}/"

    api_client.force_authenticate(project_authority)
    body = api_client.get(url).json()
    assert body["status"] == "submitted"
    assert [(s["institution"], s["signed_by"]) for s in body["signatures"]] == [
        ("ars", project_authority.display_name)
    ]
    assert "validate" not in body["allowed_actions"]
    api_client.force_authenticate(project_cpam)
    assert "validate" in api_client.get(url).json()["allowed_actions"]
    body = api_client.post(url + "validate/", {"note": ""}, format="json").json()
    assert body["status"] == "validated"
    assert [s["institution"] for s in body["signatures"]] == ["ars", "cpam"]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_cover_shows_both_signatures_with_their_dates(
    submitted, project_authority, project_cpam
):
    ps.version_validate(version_id=submitted.pk, by=project_authority)
    cover = PdfReader(io.BytesIO(render_project_pdf(submitted))).pages[0].extract_text()
    assert f"ARS : {project_authority.display_name}, le" in cover
    assert "CPAM : en attente" in cover

    ps.version_validate(version_id=submitted.pk, by=project_cpam)
    submitted.refresh_from_db()
    cover = PdfReader(io.BytesIO(render_project_pdf(submitted))).pages[0].extract_text()
    ars, cpam = (submitted.signatures.get(institution=i) for i in ("ars", "cpam"))
    assert f"ARS : {project_authority.display_name}, le {signature_date(ars)}" in cover
    assert f"CPAM : Julien Garnier, le {signature_date(cpam)}" in cover
    assert "en attente" not in cover
    assert VersionEvent.objects.filter(version=submitted, to_status="validated").count() == 1


def test_the_authorities_home_shows_where_the_signatures_stand(
    submitted, project_authority, project_cpam, client_for
):
    ps.version_validate(version_id=submitted.pk, by=project_authority)
    day = signature_date(submitted.signatures.get())

    html = client_for(project_cpam).get("/").content.decode()

    assert "Projet de santé, version 1 : Soumise à l&#x27;ARS et à la CPAM" in html
    assert f"Signée par l&#x27;ARS le {day}, en attente de la CPAM" in html


def test_signing_again_says_the_institution_had_already_signed(
    submitted, project_authority, client_for
):
    client = client_for(project_authority)
    url = f"/projet-sante/versions/{submitted.public_id}/valider/"

    first = client.post(url, {"note": ""}, follow=True).content.decode()
    again = client.post(url, {"note": ""}, follow=True).content.decode()

    assert "Signature enregistrée." in first
    assert "Votre institution avait déjà signé cette version : rien n&#x27;a changé." in again
    assert "Signature enregistrée." not in again
    assert VersionSignature.objects.filter(version=submitted).count() == 1


@pytest.mark.parametrize(
    ("first_name", "of_who"),
    [("Isabelle", "commentaire d'Isabelle Petit sur"), ("Marc", "commentaire de Marc Petit sur")],
)
def test_the_comment_notification_elides_before_a_vowel(
    client_for, project_draft, project_manager, first_name, of_who
):
    author = UserFactory(authority=True, first_name=first_name, last_name="Petit")
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    client_for(author).post(
        f"/projet-sante/versions/{project_draft.public_id}/commentaires/",
        {"section": "diagnostic", "body": "Citez vos sources."},
    )

    title = Notification.objects.get(recipient=project_manager).title
    assert of_who in title
