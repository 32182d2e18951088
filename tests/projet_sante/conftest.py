import pytest

from projet_sante import services
from tests.factories import UserFactory


@pytest.fixture
def draft(db):
    letter = services.newsletter_draft(year=2026, quarter=2)
    letter.progress = "Deux nouvelles consultations avancées ouvrent à Gien."
    letter.save(update_fields=["progress"])
    return letter


@pytest.fixture
def members(db):
    """Who a letter goes to among users: active specialists and paramedics, nobody else."""
    return [
        UserFactory(specialist=True, email="cardio@exemple.fr"),
        UserFactory(paramedic=True, email="ipa@exemple.fr"),
        UserFactory(roles=["specialist", "manager"], email="direction@exemple.fr"),
    ]


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


# ---------------------------------------------------------------------------------------------
# The health-project document
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def project_manager(db):
    return UserFactory(manager=True)


@pytest.fixture
def project_authority(db):
    return UserFactory(authority=True)


@pytest.fixture
def project_draft(project_manager):
    """v1, a draft with text in two sections, a core mission with one action."""
    from projet_sante import project_services as ps

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
def project_validated(project_draft, project_manager, project_authority):
    from projet_sante import project_services as ps

    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    version = ps.version_validate(version_id=project_draft.pk, by=project_authority)
    version.refresh_from_db()
    return version
