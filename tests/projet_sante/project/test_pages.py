"""The health-project pages: who sees what, the workflow buttons, editing, diff, annexes, PDF."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ess.models import AuditEvent
from projet_sante.indicators.models import GeneratedReport
from projet_sante.project import services as ps
from projet_sante.project.models import ProjectAnnex, ProjectVersion, VersionStatus
from tests.factories import UserFactory
from tests.referrals.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

EVIL = (
    "Texte <script>alert('x')</script> suite\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    "[lien piégé](javascript:alert(1)) et [lien sûr](https://ars.sante.fr)\n\n"
    '<a href="https://exemple.fr" onclick="alert(2)">clic</a>'
)


def _page(client, version=None):
    url = f"/projet-sante/versions/{version.public_id}/" if version else "/projet-sante/"
    return client.get(url)


# ---------------------------------------------------------------------------------------------
# Who reads what
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager", 200),
        ("authority", 200),
        ("coordinator", 200),
        ("specialist", 200),
        ("paramedic", 200),
        ("requester", 403),
    ],
)
def test_who_opens_the_project_page(persona, status, request, client_for, project_validated):
    response = client_for(request.getfixturevalue(persona)).get("/projet-sante/")
    assert response.status_code == status


def test_anonymous_is_sent_to_sign_in(client, project_validated):
    response = client.get("/projet-sante/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_shows_the_validated_version_with_who_and_when(
    client_for, project_validated, project_authority
):
    project_authority.first_name, project_authority.last_name = "Anne", "Valideuse"
    project_authority.save()
    html = _page(client_for(UserFactory(authority=True))).content.decode()
    assert "Projet de santé — version v1" in html
    assert "Validée par Julien Garnier" in html  # the last signature, the CPAM's
    assert "ARS : signée par Anne Valideuse le" in html
    assert "CPAM : signée par Julien Garnier le" in html
    assert "Le Loiret compte 680 000 habitants." in html
    assert "<li>Montargis</li>" in html
    assert "Avis cardiologiques sous 48 h" in html
    assert "Ouvrir la télé-expertise" in html
    assert "Télécharger le PDF" in html
    assert "Modifier" not in html  # frozen, and not theirs to edit


def test_staff_read_the_validated_version_without_the_review(
    client_for, coordinator, project_validated, project_manager, project_authority
):
    draft = ps.version_start(by=project_manager)
    client = client_for(coordinator)
    html = _page(client).content.decode()
    assert "version v1" in html
    assert "Échanges avec l" not in html
    assert "Télécharger le PDF" not in html
    assert _page(client, draft).status_code == 404
    assert (
        client.post(f"/projet-sante/versions/{project_validated.public_id}/pdf/").status_code == 403
    )


def test_authority_users_do_not_see_a_draft_never_submitted(client_for, authority, project_draft):
    client = client_for(authority)
    assert _page(client, project_draft).status_code == 404
    assert "Aucune version" in _page(client).content.decode()


def test_the_menu_offers_the_project_to_authority_users_not_to_requesters(
    client_for, authority, requester
):
    assert "Projet de santé" in client_for(authority).get("/").content.decode()
    assert "Projet de santé" not in client_for(requester).get("/").content.decode()


def test_the_project_page_runs_a_constant_number_of_queries(
    client_for, project_draft, project_manager, authority, django_assert_max_num_queries
):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.comment_add(version_id=project_draft.pk, by=authority, section="diagnostic", body="Un.")
    client = client_for(authority)
    with django_assert_max_num_queries(40) as few:
        assert _page(client, project_draft).status_code == 200
    mission = project_draft.missions.get()
    for n in range(8):
        ps.comment_add(version_id=project_draft.pk, by=authority, body=f"Remarque {n}.")
    ps.version_request_revision(version_id=project_draft.pk, by=authority, reason="À revoir.")
    for n in range(5):
        m = ps.mission_save(
            version_id=project_draft.pk, by=project_manager, kind="other", title=f"M{n}"
        )
        for k in range(3):
            ps.action_save(
                version_id=project_draft.pk,
                mission_id=m.pk,
                by=project_manager,
                title=f"A{k}",
                owner=UserFactory(specialist=True),
            )
    assert mission
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _page(client, project_draft).status_code == 200


# ---------------------------------------------------------------------------------------------
# Workflow through the pages
# ---------------------------------------------------------------------------------------------
def test_the_manager_submits_then_the_ars_and_the_cpam_validate(
    client_for, project_draft, project_manager, authority, project_cpam
):
    url = f"/projet-sante/versions/{project_draft.public_id}/"
    response = client_for(project_manager).post(url + "soumettre/", follow=True)
    assert "Version soumise à l" in response.content.decode()
    page = client_for(authority).get(url).content.decode()
    assert "Valider cette version" in page
    assert "Demander une révision" in page
    assert "Votre validation vaut signature de l'institution ARS" in page
    response = client_for(authority).post(url + "valider/", {"note": ""}, follow=True)
    html = response.content.decode()
    assert "Signature enregistrée" in html
    assert "en attente de la CPAM" in html
    assert "La version n'est pas encore validée" in html
    assert "Valider cette version" not in html  # the ARS has signed
    project_draft.refresh_from_db()
    assert project_draft.status == VersionStatus.SUBMITTED
    response = client_for(project_cpam).post(url + "valider/", {"note": ""}, follow=True)
    html = response.content.decode()
    assert "elle est désormais figée" in html
    assert "CPAM : signée par Julien Garnier" in html
    project_draft.refresh_from_db()
    assert project_draft.status == VersionStatus.VALIDATED


def test_an_illegal_transition_shows_a_french_message_and_changes_nothing(
    client_for, project_draft, authority, project_manager
):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    url = f"/projet-sante/versions/{project_draft.public_id}/"
    response = client_for(project_manager).post(url + "soumettre/", follow=True)  # no-op
    ps.version_validate(version_id=project_draft.pk, by=authority)
    ps.version_validate(
        version_id=project_draft.pk, by=UserFactory(authority=True, institution="cpam")
    )
    response = client_for(authority).post(url + "revision/", {"reason": "Trop tard."}, follow=True)
    assert "Action impossible : la version v1 est « Validée »" in response.content.decode()
    project_draft.refresh_from_db()
    assert project_draft.status == VersionStatus.VALIDATED
    assert project_draft.revision_reason == ""


def test_a_revision_needs_a_reason(client_for, project_draft, authority, project_manager):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    url = f"/projet-sante/versions/{project_draft.public_id}/revision/"
    response = client_for(authority).post(url, {"reason": ""}, follow=True)
    assert "Ce champ est obligatoire." in response.content.decode()
    project_draft.refresh_from_db()
    assert project_draft.status == VersionStatus.SUBMITTED


def test_the_authority_comments_a_section(client_for, project_draft, authority, project_manager):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    url = f"/projet-sante/versions/{project_draft.public_id}/"
    response = client_for(authority).post(
        url + "commentaires/",
        {"section": "diagnostic", "body": "Citez vos sources <b>svp</b>."},
        follow=True,
    )
    html = response.content.decode()
    assert "Commentaire enregistré." in html
    assert "Citez vos sources &lt;b&gt;svp&lt;/b&gt;." in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_authority_cannot_edit(method, client_for, project_draft, authority, project_manager):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.version_request_revision(version_id=project_draft.pk, by=authority, reason="À revoir.")
    client = client_for(authority)
    base = f"/projet-sante/versions/{project_draft.public_id}/"
    for url in [base + "sections/diagnostic/", base + "missions/nouvelle/"]:
        response = getattr(client, method)(url, {"body": "x", "revision": 0})
        assert response.status_code == 403
    assert client.post(base + "soumettre/").status_code == 403
    assert client.post("/projet-sante/nouvelle-version/").status_code == 403


def test_a_validated_version_cannot_be_edited_from_the_page(
    client_for, project_validated, project_manager
):
    url = f"/projet-sante/versions/{project_validated.public_id}/sections/diagnostic/"
    response = client_for(project_manager).post(url, {"body": "x", "revision": 1}, follow=True)
    assert "elle est figée" in response.content.decode()
    assert project_validated.sections.get(key="diagnostic").body.startswith("Le Loiret")


def test_the_manager_edits_a_section_and_a_stale_form_is_refused(
    client_for, project_draft, project_manager
):
    url = f"/projet-sante/versions/{project_draft.public_id}/sections/governance/"
    client = client_for(project_manager)
    form = client.get(url)
    assert form.status_code == 200
    assert "Mise en forme (Markdown)" in form.content.decode()
    response = client.post(url, {"body": "Bureau de cinq membres.", "revision": 0})
    assert response.status_code == 302
    response = client.post(url, {"body": "Conseil d'administration.", "revision": 0})
    assert response.status_code == 409
    assert "modifiée entre-temps" in response.content.decode()
    assert project_draft.sections.get(key="governance").body == "Bureau de cinq membres."


def test_a_new_version_from_the_page(client_for, project_validated, project_manager):
    response = client_for(project_manager).post("/projet-sante/nouvelle-version/", follow=True)
    assert "Version v2 ouverte en brouillon." in response.content.decode()
    response = client_for(project_manager).post("/projet-sante/nouvelle-version/", follow=True)
    assert "une seule version peut être ouverte à la fois" in response.content.decode()
    assert ProjectVersion.objects.count() == 2


def test_the_manager_adds_a_mission_and_an_action(client_for, project_draft, project_manager):
    client = client_for(project_manager)
    base = f"/projet-sante/versions/{project_draft.public_id}/"
    response = client.post(
        base + "missions/nouvelle/",
        {"kind": "core_2", "title": "Consultations avancées à Gien", "description": ""},
    )
    assert response.status_code == 302
    mission = project_draft.missions.get(kind="core_2")
    response = client.post(
        base + f"missions/{mission.public_id}/actions/nouvelle/",
        {
            "title": "Ouvrir le site de Gien",
            "owner": "",
            "owner_name": "CPTS du Giennois",
            "target_date": "2027-03-31",
            "status": "planned",
            "progress": "150",
        },
    )
    assert response.status_code == 200  # progress out of range: the form again
    assert not mission.actions.exists()
    response = client.post(
        base + f"missions/{mission.public_id}/actions/nouvelle/",
        {
            "title": "Ouvrir le site de Gien",
            "owner_name": "CPTS du Giennois",
            "target_date": "2027-03-31",
            "status": "in_progress",
            "progress": "30",
            "indicator_codes": ["sessions_held", "p2_within_due_pct"],
        },
    )
    assert response.status_code == 302
    action = mission.actions.get()
    assert action.indicator_codes == ["sessions_held", "p2_within_due_pct"]
    page = client.get(base).content.decode()
    assert "CPTS du Giennois" in page
    # The page names the indicators, not their codes.
    assert "Séances de consultation avancée tenues ; P2 traitées dans le délai" in page


# ---------------------------------------------------------------------------------------------
# Sanitising
# ---------------------------------------------------------------------------------------------
def test_scripts_and_handlers_never_reach_the_page_or_the_preview(
    client_for, project_draft, project_manager
):
    ps.section_update(
        version_id=project_draft.pk, key="partnerships", by=project_manager, body=EVIL
    )
    client = client_for(project_manager)
    for html in [
        _page(client, project_draft).content.decode(),
        client.post("/projet-sante/apercu/", {"body": EVIL}).content.decode(),
    ]:
        assert "alert(" not in html
        assert "onerror" not in html
        assert "onclick" not in html
        assert "javascript:" not in html
        assert '<a href="https://ars.sante.fr" rel="noopener">lien sûr</a>' in html


def test_the_preview_is_for_managers(client_for, authority):
    assert client_for(authority).post("/projet-sante/apercu/", {"body": "x"}).status_code == 403


# ---------------------------------------------------------------------------------------------
# Diff
# ---------------------------------------------------------------------------------------------
def test_the_diff_shows_added_and_removed_lines_per_section(
    client_for, project_validated, project_manager
):
    draft = ps.version_start(by=project_manager)
    ps.section_update(
        version_id=draft.pk,
        key="diagnostic",
        by=project_manager,
        body="Le Loiret compte 680 000 habitants.\n\n- Orléans\n- Gien <b>nouveau</b>",
    )
    url = f"/projet-sante/versions/{project_validated.public_id}/diff/{draft.public_id}/"
    html = client_for(project_manager).get(url).content.decode()
    assert "Différences entre la version v1 et la version v2" in html
    assert '<td class="op">Supprimée</td><td><del>- Montargis</del></td>' in html
    assert (
        '<td class="op">Ajoutée</td><td><ins>- Gien &lt;b&gt;nouveau&lt;/b&gt;</ins></td>' in html
    )
    assert html.count("Section inchangée.") == 6
    # The draft is not the authorities' yet: 404, as for a version that does not exist.
    assert client_for(UserFactory(authority=True)).get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Annexes
# ---------------------------------------------------------------------------------------------
def _annexes_url(version):
    return f"/projet-sante/versions/{version.public_id}/annexes/"


def test_a_bad_annex_is_refused_in_french_and_nothing_is_written(
    client_for, project_draft, project_manager, settings
):
    fake = SimpleUploadedFile("carte.pdf", b"MZ\x90\x00 programme", content_type="application/pdf")
    response = client_for(project_manager).post(
        _annexes_url(project_draft), {"title": "Carte", "file": fake}, follow=True
    )
    assert "pas accepté : son contenu est un programme Windows" in response.content.decode()
    assert not ProjectAnnex.objects.exists()
    root = settings.STORAGES["default"]["OPTIONS"]["location"]
    assert not (root / "projet-sante").exists() or not any((root / "projet-sante").iterdir())


def test_an_annex_is_uploaded_and_downloaded_with_an_audit_line(
    client_for, project_draft, project_manager, authority, coordinator, requester
):
    upload = SimpleUploadedFile("carte.pdf", PDF_BYTES, content_type="application/pdf")
    client = client_for(project_manager)
    response = client.post(
        _annexes_url(project_draft), {"title": "Carte", "file": upload}, follow=True
    )
    assert "Annexe « Carte » ajoutée." in response.content.decode()
    annex = ProjectAnnex.objects.get()
    assert annex.file.name == f"projet-sante/{annex.public_id}"
    url = _annexes_url(project_draft) + f"{annex.public_id}/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert AuditEvent.objects.filter(
        action="download", object_type="projet_sante.projectannex", object_id=str(annex.public_id)
    ).exists()
    # The draft is the managers' only: 404 for everybody else.
    for user in (authority, coordinator, requester):
        assert client_for(user).get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------
def _pdf_text(content: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _ask_pdf(client, version, capture):
    """POST the PDF button with the worker running at commit, as in production."""
    with capture(execute=True):
        return client.post(f"/projet-sante/versions/{version.public_id}/pdf/")


def _download(client, report) -> bytes:
    response = client.get(reverse("projet_sante:report_download", args=[report.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_the_pdf_has_a_cover_a_toc_the_sections_indicators_and_page_numbers(
    client_for, project_validated, project_manager, django_capture_on_commit_callbacks
):
    from projet_sante.indicators.periods import previous_quarter
    from projet_sante.indicators.services import indicator_target_set

    indicator_target_set(
        code="p2_within_due_pct", value=Decimal(80), comparison="gte", by=project_manager
    )
    ps.version_start(by=project_manager)  # another version does not change this one's PDF
    user = UserFactory(authority=True)
    client = client_for(user)
    response = _ask_pdf(client, project_validated, django_capture_on_commit_callbacks)
    report = GeneratedReport.objects.get(kind="projet")
    assert report.key == f"{project_validated.pk}:{previous_quarter().key}"
    # Rendered by the worker after the request: the report's page follows it.
    assert response["Location"] == reverse("projet_sante:report_detail", args=[report.public_id])
    page = client.get(response["Location"]).content.decode()
    assert f"Projet de santé v1 · indicateurs {previous_quarter().label}" in page
    assert "Retour au projet de santé" in page
    pages, text = _pdf_text(_download(client, report))
    assert 9 <= pages <= 30
    assert "Projet de santé" in text
    assert "Version 1 — Validée" in text
    assert "Sommaire" in text
    for title in [
        "Diagnostic territorial",
        "Organisation et gouvernance",
        "Système d'information",
        "Missions et actions",
        "Annexes",
        "Indicateurs",
        "Objectifs du projet et réalisations",
        "Indicateurs suivis par les actions",
        "Demandes reçues par trimestre",
        "Répartition des modes de réponse",
    ]:
        assert title in text, title
    assert f"Indicateurs du {previous_quarter().label}, du 1er " in text
    # The action's indicator, by its label, with the target set in the project.
    assert "P2 traitées dans le délai" in text
    assert "P2 traitées dans le délai — ≥ 80 %" in text  # no P2 request: nothing to measure
    assert "Page 2 sur" in text
    assert f"Page {pages} sur {pages}" in text
    assert "Le Loiret compte 680 000 habitants." in text
    assert "Ouvrir la télé-expertise" in text
    assert AuditEvent.objects.filter(
        actor=user,
        action="download",
        object_type="projet_sante.generatedreport",
        object_label=f"projet:{report.key}",
    ).exists()


def test_the_pdf_is_cached_per_version_until_the_draft_changes(
    client_for, project_draft, project_manager, django_capture_on_commit_callbacks
):
    client = client_for(project_manager)
    _ask_pdf(client, project_draft, django_capture_on_commit_callbacks)
    report = GeneratedReport.objects.get(kind="projet")
    first_file = report.file.name
    # Asked again, unchanged: straight to the cached file.
    response = _ask_pdf(client, project_draft, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("projet_sante:report_download", args=[report.public_id])
    report.refresh_from_db()
    assert report.file.name == first_file
    # The draft changes (an action's progress): the next request renders it again.
    action = project_draft.missions.get().actions.get()
    ps.action_save(
        version_id=project_draft.pk,
        mission_id=action.mission_id,
        by=project_manager,
        action_id=action.pk,
        title="Télé-expertise généralisée",
        status="in_progress",
        progress=75,
        indicator_codes=["p2_within_due_pct"],
    )
    _ask_pdf(client, project_draft, django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == "ready" and report.file.name != first_file
    _pages, text = _pdf_text(_download(client, report))
    assert "Télé-expertise généralisée" in text
    assert "75 %" in text
    assert GeneratedReport.objects.filter(kind="projet").count() == 1


def test_a_draft_report_is_not_for_authority_users(
    client_for, project_draft, project_manager, authority, django_capture_on_commit_callbacks
):
    _ask_pdf(client_for(project_manager), project_draft, django_capture_on_commit_callbacks)
    report = GeneratedReport.objects.get(kind="projet")
    client = client_for(authority)
    assert client.post(f"/projet-sante/versions/{project_draft.public_id}/pdf/").status_code == 404
    for name in ("report_detail", "report_download"):
        assert (
            client.get(reverse(f"projet_sante:{name}", args=[report.public_id])).status_code == 404
        )
    assert not AuditEvent.objects.filter(actor=authority).exists()


def test_the_project_page_offers_the_quarterly_report(client_for, project_validated, authority):
    from projet_sante.indicators.periods import previous_quarter

    html = _page(client_for(authority)).content.decode()
    assert "activité trimestriel</h2>" in html
    assert f'<option value="{previous_quarter().key}" selected>' in html
    assert reverse("projet_sante:report_quarterly") in html


def test_the_pdf_never_carries_scripts(project_draft, project_manager):
    from django.template.loader import render_to_string

    from projet_sante.project.pdf import project_pdf_context, render_project_pdf

    ps.section_update(
        version_id=project_draft.pk, key="partnerships", by=project_manager, body=EVIL
    )
    html = render_to_string("pdf/project.html", project_pdf_context(project_draft))
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    _pages, text = _pdf_text(render_project_pdf(project_draft))
    assert "alert(" not in text


@pytest.mark.parametrize("persona", ["coordinator", "specialist", "requester"])
def test_the_pdf_is_for_managers_and_authority_users(
    persona, request, client_for, project_validated
):
    response = client_for(request.getfixturevalue(persona)).post(
        f"/projet-sante/versions/{project_validated.public_id}/pdf/"
    )
    assert response.status_code in (403, 404)
    assert not GeneratedReport.objects.exists()


def test_the_running_header_shows_names_with_quotes_as_typed(project_validated):
    from ess.models import Team
    from projet_sante.project.pdf import render_project_pdf

    Team.objects.update_or_create(
        pk=1, defaults={"name": "ESS du Cœur d'Orléans", "short_name": 'ESS "Cœur" d\'Orléans'}
    )
    _pages, text = _pdf_text(render_project_pdf(project_validated))
    assert 'ESS "Cœur" d\'Orléans · Projet de santé v1' in text
    assert "Validée le " in text


def test_the_exchanges_card_says_whether_comments_are_open(
    client_for, project_draft, project_manager, project_authority
):
    html = _page(client_for(project_manager), project_draft).content.decode()
    assert "Les commentaires sont ouverts quand la version est soumise." in html
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.version_validate(version_id=project_draft.pk, by=project_authority)
    html = _page(client_for(project_authority), project_draft).content.decode()
    assert "Les commentaires sont ouverts" not in html  # a comment box instead
    ps.version_validate(
        version_id=project_draft.pk, by=UserFactory(authority=True, institution="cpam")
    )
    html = _page(client_for(project_authority), project_draft).content.decode()
    assert "Version validée : les échanges sur cette version sont clos." in html
    assert "Les commentaires sont ouverts" not in html


def test_the_action_tables_take_the_whole_width_of_the_page(
    client_for, project_draft, project_manager
):
    html = _page(client_for(project_manager), project_draft).content.decode()

    side_column = html.index('<div class="col-lg-4">')
    actions = html.index('id="missions-actions"')
    # Out of the narrow main column, below the row and its side column.
    assert html.index('<div class="project-wide">') < actions
    assert side_column < actions
