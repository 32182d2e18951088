import pytest

from projet_sante.project import services as ps
from tests.factories import UserFactory


@pytest.fixture
def project_manager(db):
    return UserFactory(manager=True)


@pytest.fixture
def project_authority(db):
    """The ARS's authority user."""
    return UserFactory(authority=True)


@pytest.fixture
def project_cpam(db):
    """The CPAM's authority user: its signature and the ARS's validate a version."""
    return UserFactory(authority=True, institution="cpam", first_name="Julien", last_name="Garnier")


@pytest.fixture
def project_draft(project_manager):
    """v1, a draft with text in two sections, a core mission with one action."""
    version = ps.version_start(by=project_manager)
    ps.section_update(
        version_id=version.pk,
        key="diagnostic",
        by=project_manager,
        body="Le Loiret compte 680 000 habitants.\n\n- Orléans\n- Montargis",
    )
    ps.section_update(
        version_id=version.pk, key="missions", by=project_manager, body="Deux missions socles."
    )
    mission = ps.mission_save(
        version_id=version.pk,
        by=project_manager,
        kind="core_1",
        title="Avis cardiologiques sous 48 h",
        description="Télé-expertise pour les médecins traitants.",
    )
    ps.action_save(
        version_id=version.pk,
        mission_id=mission.pk,
        by=project_manager,
        title="Ouvrir la télé-expertise",
        owner=project_manager,
        status="in_progress",
        progress=40,
        indicator_codes=["p2_within_due_pct"],
    )
    version.refresh_from_db()
    return version


@pytest.fixture
def project_validated(project_draft, project_manager, project_authority, project_cpam):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.version_validate(version_id=project_draft.pk, by=project_authority)
    version = ps.version_validate(version_id=project_draft.pk, by=project_cpam)
    version.refresh_from_db()
    return version
