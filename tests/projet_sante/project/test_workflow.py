"""The health project's versions: who may move them where, and what a validated one is."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction

from ess.errors import TransitionNotAllowed
from ess.models import Notification
from projet_sante.project import services as ps
from projet_sante.project.models import (
    Action,
    Mission,
    ProjectSection,
    ProjectVersion,
    VersionEvent,
    VersionStatus,
)
from tests.factories import UserFactory
from tests.referrals.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def _snapshot(version):
    version.refresh_from_db()
    return (
        version.status,
        version.updated_at,
        list(version.sections.values_list("key", "body", "revision")),
        list(Mission.objects.filter(version=version).values_list("title", flat=True)),
        version.events.count(),
        version.comments.count(),
    )


def test_a_manager_starts_v1_with_every_section_in_order(project_manager):
    version = ps.version_start(by=project_manager)
    assert version.number == 1
    assert version.status == VersionStatus.DRAFT
    assert list(version.sections.values_list("key", flat=True)) == [
        "diagnostic",
        "missions",
        "actions",
        "governance",
        "information_system",
        "partnerships",
        "evaluation",
    ]


@pytest.mark.parametrize("persona", ["authority", "coordinator", "specialist", "requester"])
def test_only_managers_start_a_version(persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        ps.version_start(by=user)
    assert not ProjectVersion.objects.exists()


def test_the_manager_submits_and_the_authorities_are_notified(project_draft, project_manager):
    authority = UserFactory(authority=True)
    version = ps.version_submit(version_id=project_draft.pk, by=project_manager)
    assert version.status == VersionStatus.SUBMITTED
    assert version.submitted_by == project_manager
    assert Notification.objects.filter(recipient=authority, kind="health_project").exists()
    assert not Notification.objects.filter(recipient=project_manager).exists()


def test_submitting_twice_is_a_no_op(project_draft, project_manager):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    assert project_draft.events.filter(to_status="submitted").count() == 1


def test_the_last_signature_validates_with_who_and_when(
    project_draft, project_manager, authority, project_cpam
):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.version_validate(version_id=project_draft.pk, by=authority)
    version = ps.version_validate(version_id=project_draft.pk, by=project_cpam)
    assert version.status == VersionStatus.VALIDATED
    assert version.validated_by == project_cpam
    assert version.validated_at is not None
    assert Notification.objects.filter(recipient=project_manager, kind="health_project").exists()


def test_the_authority_asks_for_a_revision_with_a_reason(project_draft, project_manager, authority):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    with pytest.raises(ValidationError):
        ps.version_request_revision(version_id=project_draft.pk, by=authority, reason="  ")
    version = ps.version_request_revision(
        version_id=project_draft.pk, by=authority, reason="Préciser les délais de la mission 1."
    )
    assert version.status == VersionStatus.REVISION_REQUESTED
    assert version.revision_reason == "Préciser les délais de la mission 1."
    # Back in the manager's hands: editable, then submitted again.
    ps.section_update(
        version_id=version.pk, key="missions", by=project_manager, body="Délais : 48 h."
    )
    version = ps.version_submit(version_id=version.pk, by=project_manager)
    assert version.status == VersionStatus.SUBMITTED
    assert list(version.events.values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "revision_requested"),
        ("revision_requested", "submitted"),
    ]


@pytest.mark.parametrize("persona", ["manager", "coordinator", "specialist", "requester"])
def test_only_authority_users_validate_or_send_back(
    persona, request, project_draft, project_manager
):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    user = request.getfixturevalue(persona)
    before = _snapshot(project_draft)
    with pytest.raises(PermissionDenied):
        ps.version_validate(version_id=project_draft.pk, by=user)
    with pytest.raises(PermissionDenied):
        ps.version_request_revision(version_id=project_draft.pk, by=user, reason="Non.")
    assert _snapshot(project_draft) == before


def test_the_authority_cannot_edit(project_draft, project_manager, authority):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.version_request_revision(version_id=project_draft.pk, by=authority, reason="À revoir.")
    before = _snapshot(project_draft)
    with pytest.raises(PermissionDenied):
        ps.section_update(version_id=project_draft.pk, key="diagnostic", by=authority, body="x")
    with pytest.raises(PermissionDenied):
        ps.mission_save(version_id=project_draft.pk, by=authority, kind="other", title="x")
    with pytest.raises(PermissionDenied):
        ps.version_submit(version_id=project_draft.pk, by=authority)
    assert _snapshot(project_draft) == before


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "validate"),
        ("draft", "revision"),
        ("submitted", "edit"),
        ("validated", "submit"),
        ("validated", "revision"),
        ("validated", "edit"),
        ("revision_requested", "validate"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    status, action, project_draft, project_manager, authority, project_cpam
):
    if status != "draft":
        ps.version_submit(version_id=project_draft.pk, by=project_manager)
    if status == "validated":
        ps.version_validate(version_id=project_draft.pk, by=authority)
        ps.version_validate(version_id=project_draft.pk, by=project_cpam)
    if status == "revision_requested":
        ps.version_request_revision(version_id=project_draft.pk, by=authority, reason="À revoir.")
    before = _snapshot(project_draft)
    calls = {
        "validate": lambda: ps.version_validate(version_id=project_draft.pk, by=authority),
        "revision": lambda: ps.version_request_revision(
            version_id=project_draft.pk, by=authority, reason="Encore."
        ),
        "submit": lambda: ps.version_submit(version_id=project_draft.pk, by=project_manager),
        "edit": lambda: ps.section_update(
            version_id=project_draft.pk, key="diagnostic", by=project_manager, body="Changé."
        ),
    }
    with pytest.raises(TransitionNotAllowed):
        calls[action]()
    assert _snapshot(project_draft) == before


def test_a_validated_version_is_frozen_for_every_content_service(
    project_validated, project_manager
):
    mission = project_validated.missions.get()
    action = Action.objects.get(mission=mission)
    before = _snapshot(project_validated)
    refused = [
        lambda: ps.section_update(
            version_id=project_validated.pk, key="diagnostic", by=project_manager, body="x"
        ),
        lambda: ps.mission_save(
            version_id=project_validated.pk, by=project_manager, kind="other", title="x"
        ),
        lambda: ps.mission_delete(
            version_id=project_validated.pk, by=project_manager, mission_id=mission.pk
        ),
        lambda: ps.action_save(
            version_id=project_validated.pk,
            mission_id=mission.pk,
            by=project_manager,
            action_id=action.pk,
            title="x",
        ),
        lambda: ps.action_delete(
            version_id=project_validated.pk, by=project_manager, action_id=action.pk
        ),
    ]
    for call in refused:
        with pytest.raises(TransitionNotAllowed, match="figée"):
            call()
    assert _snapshot(project_validated) == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE projet_sante_projectsection SET body = 'piraté' WHERE version_id = %s",
        "DELETE FROM projet_sante_projectsection WHERE version_id = %s",
        "UPDATE projet_sante_projectversion SET status = 'draft' WHERE id = %s",
        "UPDATE projet_sante_action SET progress = 99 WHERE mission_id IN "
        "(SELECT id FROM projet_sante_mission WHERE version_id = %s)",
        "INSERT INTO projet_sante_mission (version_id, public_id, kind, title, description, "
        "position) VALUES (%s, gen_random_uuid(), 'other', 'x', '', 9)",
    ],
)
def test_the_database_refuses_to_change_a_validated_version(postgres, project_validated, statement):
    with (
        pytest.raises(DatabaseError, match="figé"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [project_validated.pk])
    assert ProjectSection.objects.get(version=project_validated, key="diagnostic").body.startswith(
        "Le Loiret"
    )


def test_a_new_draft_copies_the_validated_version(
    project_draft, project_manager, authority, project_cpam
):
    annex = ps.annex_add(
        version_id=project_draft.pk,
        by=project_manager,
        title="Carte du territoire",
        upload=SimpleUploadedFile("carte.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.version_validate(version_id=project_draft.pk, by=authority)
    validated = ps.version_validate(version_id=project_draft.pk, by=project_cpam)
    draft = ps.version_start(by=project_manager)
    assert draft.number == 2
    assert draft.based_on == validated
    assert dict(draft.sections.values_list("key", "body")) == dict(
        validated.sections.values_list("key", "body")
    )
    mission = draft.missions.get()
    assert mission.title == "Avis cardiologiques sous 48 h"
    assert mission.pk != validated.missions.get().pk
    copied = mission.actions.get()
    assert (copied.title, copied.progress, copied.indicator_codes, copied.owner) == (
        "Ouvrir la télé-expertise",
        40,
        ["p2_within_due_pct"],
        project_manager,
    )
    copy = draft.annexes.get()
    assert copy.file.name == annex.file.name
    assert copy.public_id != annex.public_id
    # Editing the draft leaves the validated version as it was.
    ps.section_update(version_id=draft.pk, key="diagnostic", by=project_manager, body="Neuf.")
    ps.annex_delete(version_id=draft.pk, by=project_manager, annex_id=copy.pk)
    assert validated.sections.get(key="diagnostic").body.startswith("Le Loiret")
    assert validated.annexes.get().file.read() == PDF_BYTES


def test_only_one_open_version_at_a_time(project_draft, project_manager):
    with pytest.raises(TransitionNotAllowed, match="une seule version"):
        ps.version_start(by=project_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectVersion.objects.create(number=9, status="revision_requested", revision_reason="x")
    assert ProjectVersion.objects.count() == 1


def test_a_stale_section_form_is_refused(project_draft, project_manager):
    other_manager = UserFactory(manager=True)
    section = project_draft.sections.get(key="governance")
    shown = section.revision
    ps.section_update(
        version_id=project_draft.pk,
        key="governance",
        by=other_manager,
        body="Bureau de 5 membres.",
        expected_revision=shown,
    )
    with pytest.raises(TransitionNotAllowed, match="modifiée entre-temps"):
        ps.section_update(
            version_id=project_draft.pk,
            key="governance",
            by=project_manager,
            body="Conseil d'administration.",
            expected_revision=shown,
        )
    assert project_draft.sections.get(key="governance").body == "Bureau de 5 membres."


def test_comments_go_to_the_other_side(project_draft, project_manager, authority):
    with pytest.raises(TransitionNotAllowed):
        ps.comment_add(version_id=project_draft.pk, by=authority, body="Trop tôt.")
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    comment = ps.comment_add(
        version_id=project_draft.pk, by=authority, section="diagnostic", body="Sources ?"
    )
    assert comment.section == "diagnostic"
    assert (
        Notification.objects.filter(recipient=project_manager, title__contains="Sources").count()
        == 0
    )
    assert Notification.objects.filter(
        recipient=project_manager, title__contains="Diagnostic territorial"
    ).exists()
    with pytest.raises(PermissionDenied):
        ps.comment_add(
            version_id=project_draft.pk, by=UserFactory(specialist=True), body="Je peux ?"
        )


def test_action_progress_is_checked_by_the_service_and_the_database(project_draft, project_manager):
    mission = project_draft.missions.get()
    with pytest.raises(ValidationError) as exc:
        ps.action_save(
            version_id=project_draft.pk,
            mission_id=mission.pk,
            by=project_manager,
            title="Trop",
            progress=120,
        )
    assert "entre 0 et 100" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(mission=mission, title="x", progress=101)


def test_actions_link_registry_indicators_only(project_draft, project_manager):
    mission = project_draft.missions.get()
    before = list(mission.actions.values_list("pk", "indicator_codes"))
    with pytest.raises(ValidationError, match="Indicateur inconnu : n_importe_quoi"):
        ps.action_save(
            version_id=project_draft.pk,
            mission_id=mission.pk,
            by=project_manager,
            title="x",
            indicator_codes=["p2_within_due_pct", "n_importe_quoi"],
        )
    assert list(mission.actions.values_list("pk", "indicator_codes")) == before
    action = ps.action_save(
        version_id=project_draft.pk,
        mission_id=mission.pk,
        by=project_manager,
        title="Séances à Gien",
        indicator_codes=["sessions_held", "patients_seen", "sessions_held"],
    )
    assert action.indicator_codes == ["sessions_held", "patients_seen"]


def test_version_events_record_who(project_validated, project_cpam):
    assert VersionEvent.objects.filter(
        version=project_validated, to_status="validated", actor=project_cpam
    ).exists()


@pytest.mark.parametrize(
    ("status", "progress"), [("done", 20), ("planned", 100), ("in_progress", 100)]
)
def test_an_action_whose_state_and_progress_disagree_is_refused(
    project_draft, project_manager, status, progress
):
    action = project_draft.missions.get().actions.get()

    with pytest.raises(ValidationError) as refused:
        ps.action_save(
            version_id=project_draft.pk,
            mission_id=action.mission_id,
            action_id=action.pk,
            by=project_manager,
            title=action.title,
            status=status,
            progress=progress,
        )

    assert "progress" in refused.value.message_dict
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)
