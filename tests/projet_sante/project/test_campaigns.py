"""The health project's actions and the public-health campaigns that carry them out: picked in
the action form, copied into a new version, counted in the PDF's evaluation chapter with the
trainings, campaigns, ETP and residents figures."""

import io
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from projet_sante.indicators.periods import quarter_period
from projet_sante.project import services as ps
from projet_sante.project.models import Action
from projet_sante.project.pdf import render_project_pdf
from tests.factories import CampaignActionFactory, CampaignFactory
from tests.projet_sante.indicators.data import build_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns(db):
    tabac = CampaignFactory(
        title="Mois sans tabac", starts_on=date(2025, 11, 1), ends_on=date(2025, 11, 30)
    )
    tension = CampaignFactory(
        title="Dépistage de l'hypertension", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)
    )
    rose = CampaignFactory(
        title="Octobre rose", starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 31)
    )
    return {"tabac": tabac, "tension": tension, "rose": rose}


def _action(version) -> Action:
    return Action.objects.get(mission__version=version)


def _form_url(version, action) -> str:
    return f"/projet-sante/versions/{version.public_id}/actions/{action.public_id}/"


def test_the_manager_picks_the_campaigns_of_an_action_in_its_form(
    client_for, project_draft, project_manager, campaigns
):
    client = client_for(project_manager)
    action = _action(project_draft)
    url = _form_url(project_draft, action)
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Campagnes de santé publique" in html
    assert "Octobre rose (du 01/10/2026 au 31/10/2026)" in html

    response = client.post(
        url,
        {
            "title": action.title,
            "owner": project_manager.pk,
            "status": "in_progress",
            "progress": "40",
            "indicator_codes": ["p2_within_due_pct"],
            "campaigns": [campaigns["tabac"].pk, campaigns["tension"].pk],
        },
    )

    assert response.status_code == 302
    assert set(action.campaigns.all()) == {campaigns["tabac"], campaigns["tension"]}
    # The form shows them ticked; untick one and save: only the other stays.
    html = client.get(url).content.decode()
    for campaign, ticked in (("tabac", True), ("tension", True), ("rose", False)):
        assert (
            bool(re.search(rf'name="campaigns" value="{campaigns[campaign].pk}"[^>]*checked', html))
            is ticked
        )
    client.post(
        url,
        {
            "title": action.title,
            "status": "in_progress",
            "progress": "40",
            "campaigns": [campaigns["tension"].pk],
        },
    )
    assert list(action.campaigns.all()) == [campaigns["tension"]]
    page = client.get(f"/projet-sante/versions/{project_draft.public_id}/").content.decode()
    assert "Campagnes : Dépistage de l&#x27;hypertension" in page


def test_an_unknown_campaign_is_refused_and_nothing_changes(
    project_draft, project_manager, campaigns
):
    action = _action(project_draft)
    action.campaigns.add(campaigns["tabac"])

    with pytest.raises(ValidationError) as refused:
        ps.action_save(
            version_id=project_draft.pk,
            mission_id=action.mission_id,
            by=project_manager,
            action_id=action.pk,
            title="Autre intitulé",
            campaigns=[campaigns["tension"].pk, 999_999],
        )

    assert refused.value.message_dict == {"campaigns": ["Campagne inconnue."]}
    action.refresh_from_db()
    assert action.title == "Ouvrir la télé-expertise"
    assert list(action.campaigns.all()) == [campaigns["tabac"]]


def test_saving_an_action_without_campaigns_keeps_its_links(
    project_draft, project_manager, campaigns
):
    action = _action(project_draft)
    action.campaigns.add(campaigns["tabac"])

    ps.action_save(
        version_id=project_draft.pk,
        mission_id=action.mission_id,
        by=project_manager,
        action_id=action.pk,
        title="Ouvrir la télé-expertise à Gien",
    )

    assert list(action.campaigns.all()) == [campaigns["tabac"]]


def test_a_new_version_copies_the_campaigns_of_its_actions(
    project_draft, project_manager, authority, project_cpam, campaigns
):
    old = _action(project_draft)
    old.campaigns.add(campaigns["tabac"], campaigns["tension"])
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    ps.version_validate(version_id=project_draft.pk, by=authority)
    ps.version_validate(version_id=project_draft.pk, by=project_cpam)

    draft = ps.version_start(by=project_manager)

    copy = _action(draft)
    assert copy.pk != old.pk
    assert set(copy.campaigns.all()) == {campaigns["tabac"], campaigns["tension"]}
    # The copy is its own: unlinking it leaves the validated version as it was.
    copy.campaigns.remove(campaigns["tabac"])
    assert old.campaigns.count() == 2


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_the_pdf_evaluation_chapter_counts_trainings_and_each_actions_campaigns(
    project_draft, settings
):
    settings.ESS_SMALL_COUNT_THRESHOLD = 10
    events = build_events()
    action = _action(project_draft)
    action.campaigns.add(events["c1"], events["c2"])
    CampaignActionFactory(
        campaign=events["c1"],
        held_on=date(2026, 5, 2),
        people_reached=10,
        screenings_done=3,
        referrals_generated=0,
    )

    text = _pdf_text(render_project_pdf(project_draft, quarter_period(2026, 1)))

    assert "Formation, prévention et éducation thérapeutique" in text
    assert "Formations tenues 2" in text
    assert "Professionnels formés 3" in text
    assert "Heures-stagiaires 11,0 h" in text
    assert "Campagnes de santé publique des actions" in text
    # Every action of each campaign, whatever its date: C2 200 + 30 reached, 4 screenings and
    # 1 referral (masked); C1 120 + 50 + 10, 45 + 10 + 3 screenings, 6 + 2 referrals (masked).
    assert "Orientations Ouvrir la télé- expertise Mois sans tabac (Prévention" in text
    assert "au 05/01/2026 ; 2 actions) 230 < 10 < 10" in text
    assert "Dépistage de l'hypertension au marché (Dépistage" in text
    assert "au 30/06/2026 ; 3 actions) 180 58 < 10" in text


def test_the_pdf_says_when_no_action_is_linked_to_a_campaign(project_draft):
    text = _pdf_text(render_project_pdf(project_draft, quarter_period(2026, 1)))

    assert "Aucune action n'est reliée à une campagne de santé publique." in text
