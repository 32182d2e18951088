"""Public-health campaigns: the public list and page, the managers' forms, the actions' counts
and their totals, the export."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ess.models import Commune, Departement
from events.demo.campaigns import _quarter, seed_campaigns
from events.models import Campaign, CampaignAction
from events.services import campaigns as services
from projet_sante.project.models import Action, Mission, ProjectVersion
from tests.factories import (
    CampaignActionFactory,
    CampaignFactory,
    PartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _campaign_data(**overrides) -> dict:
    data = {
        "title": "Dépistage de l'hypertension",
        "kind": "screening",
        "theme": "Hypertension artérielle",
        "target_population": "Adultes de plus de 50 ans",
        "starts_on": TODAY() - timedelta(days=30),
        "ends_on": TODAY() + timedelta(days=30),
    }
    return data | overrides


def _action_data(**overrides) -> dict:
    data = {
        "title": "Stand au marché",
        "held_on": TODAY(),
        "place": "Place du Martroi",
        "people_reached": 100,
        "screenings_done": 40,
        "referrals_generated": 3,
    }
    return data | overrides


def _form(data: dict) -> dict:
    """What a browser posts for these values."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def _project_action(number: int, title: str, campaign, *, validated: bool, by) -> None:
    """An action of the health project's version `number` that the campaign carries out."""
    version = ProjectVersion.objects.create(number=number, status="draft")
    mission = Mission.objects.create(version=version, kind="other", title="Prévention")
    Action.objects.create(mission=mission, title=title).campaigns.add(campaign)
    if validated:
        ProjectVersion.objects.filter(pk=version.pk).update(
            status="validated", validated_at=timezone.now(), validated_by=by
        )


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------
def test_a_coordinator_plans_a_campaign_on_communes_and_a_departement(coordinator, territory):
    cpts = PartnerFactory(name="CPTS du Val")
    orleans, olivet = Commune.objects.filter(code__in=["45234", "45232"])

    campaign = services.campaign_create(
        by=coordinator,
        **_campaign_data(),
        communes=[orleans, olivet],
        departements=[Departement.objects.get(code="45")],
        partners=[cpts],
        lead=coordinator,
        is_public=False,
    )

    assert set(campaign.communes.values_list("code", flat=True)) == {"45234", "45232"}
    assert list(campaign.departements.values_list("code", flat=True)) == ["45"]
    assert list(campaign.partners.all()) == [cpts]
    assert campaign.lead == coordinator
    assert not campaign.is_public


@pytest.mark.parametrize("persona", ["requester", "specialist", "paramedic", "authority"])
def test_only_managers_and_coordinators_plan_campaigns(persona, request):
    with pytest.raises(PermissionDenied):
        services.campaign_create(by=request.getfixturevalue(persona), **_campaign_data())

    assert not Campaign.objects.exists()


def test_a_campaign_cannot_end_before_it_starts(manager):
    with pytest.raises(ValidationError) as refused:
        services.campaign_create(
            by=manager, **_campaign_data(starts_on=TODAY(), ends_on=TODAY() - timedelta(days=1))
        )

    assert refused.value.message_dict["ends_on"] == [
        "La fin de la campagne ne peut pas précéder son début."
    ]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "  ", "Donnez un intitulé à la campagne."),
        ("theme", "", "Indiquez le thème de la campagne."),
        ("target_population", "", "Indiquez la population ciblée."),
        ("kind", "festival", "Choisissez le type de campagne."),
        ("starts_on", None, "Indiquez la date de début de la campagne."),
    ],
)
def test_a_campaign_needs_its_fields(manager, field, value, message):
    with pytest.raises(ValidationError) as refused:
        services.campaign_create(by=manager, **_campaign_data(**{field: value}))

    assert refused.value.message_dict[field] == [message]


def test_an_update_changes_the_campaign_and_its_territory(manager, territory):
    campaign = services.campaign_create(
        by=manager, **_campaign_data(), communes=Commune.objects.filter(code="45234")
    )

    services.campaign_update(
        campaign_id=campaign.pk,
        by=manager,
        **_campaign_data(title="Dépistage de l'HTA", kind="prevention"),
        communes=Commune.objects.filter(code="45232"),
    )

    campaign.refresh_from_db()
    assert (campaign.title, campaign.kind) == ("Dépistage de l'HTA", "prevention")
    assert list(campaign.communes.values_list("code", flat=True)) == ["45232"]


def test_a_new_period_must_keep_the_actions_already_recorded(manager):
    campaign = CampaignFactory()
    CampaignActionFactory(campaign=campaign, title="Journée au CHR", held_on=TODAY())

    with pytest.raises(ValidationError) as refused:
        services.campaign_update(
            campaign_id=campaign.pk,
            by=manager,
            **_campaign_data(starts_on=TODAY() + timedelta(days=1)),
        )

    assert "« Journée au CHR »" in refused.value.message_dict["starts_on"][0]
    campaign.refresh_from_db()
    assert campaign.starts_on == TODAY() - timedelta(days=30)


def test_actions_add_up_to_the_campaigns_totals(coordinator):
    campaign = CampaignFactory()
    services.campaign_action_record(campaign_id=campaign.pk, by=coordinator, **_action_data())
    action = services.campaign_action_record(
        campaign_id=campaign.pk,
        by=coordinator,
        **_action_data(people_reached=50, screenings_done=50, referrals_generated=2),
    )

    from events.selectors.campaigns import campaign_totals

    assert campaign_totals(campaign) == {
        "people_reached": 150,
        "screenings_done": 90,
        "referrals_generated": 5,
    }
    assert action.recorded_by == coordinator

    services.campaign_action_delete(action_id=action.pk, by=coordinator)

    assert campaign_totals(campaign)["people_reached"] == 100


def test_a_campaign_without_actions_totals_zero():
    from events.selectors.campaigns import campaign_totals

    assert campaign_totals(CampaignFactory()) == {
        "people_reached": 0,
        "screenings_done": 0,
        "referrals_generated": 0,
    }


@pytest.mark.parametrize("days", [-31, 61])
def test_an_action_outside_the_campaigns_period_is_refused(manager, days):
    campaign = CampaignFactory()
    held_on = TODAY() + timedelta(days=days)

    with pytest.raises(ValidationError) as refused:
        services.campaign_action_record(
            campaign_id=campaign.pk, by=manager, **_action_data(held_on=held_on)
        )

    message = refused.value.message_dict["held_on"][0]
    assert f"Le {held_on:%d/%m/%Y} est hors de la période de la campagne" in message
    assert f"du {campaign.starts_on:%d/%m/%Y} au {campaign.ends_on:%d/%m/%Y}" in message
    assert not CampaignAction.objects.exists()


def test_an_action_on_the_first_and_last_day_is_accepted(manager):
    campaign = CampaignFactory()

    for day in (campaign.starts_on, campaign.ends_on):
        services.campaign_action_record(
            campaign_id=campaign.pk, by=manager, **_action_data(held_on=day)
        )

    assert campaign.actions.count() == 2


@pytest.mark.parametrize(
    ("counts", "field", "message"),
    [
        ({"people_reached": -1}, "people_reached", "Indiquez un nombre entier positif ou nul."),
        ({"screenings_done": -5}, "screenings_done", "Indiquez un nombre entier positif ou nul."),
        (
            {"referrals_generated": -2},
            "referrals_generated",
            "Indiquez un nombre entier positif ou nul.",
        ),
        (
            {"people_reached": 10, "screenings_done": 11},
            "screenings_done",
            "Plus de dépistages (11) que de personnes touchées (10) : une personne dépistée est "
            "une personne touchée.",
        ),
        (
            {"people_reached": 10, "screenings_done": 0, "referrals_generated": 12},
            "referrals_generated",
            "Plus d'orientations (12) que de personnes touchées (10) : une personne orientée est "
            "une personne touchée.",
        ),
    ],
)
def test_counts_that_make_no_sense_are_refused(manager, counts, field, message):
    campaign = CampaignFactory()

    with pytest.raises(ValidationError) as refused:
        services.campaign_action_record(
            campaign_id=campaign.pk, by=manager, **_action_data(**counts)
        )

    assert refused.value.message_dict[field] == [message]
    assert not CampaignAction.objects.exists()


def test_an_action_is_corrected_within_the_same_rules(manager):
    action = CampaignActionFactory()

    services.campaign_action_update(
        action_id=action.pk, by=manager, **_action_data(title="Stand corrigé", people_reached=130)
    )
    with pytest.raises(ValidationError):
        services.campaign_action_update(
            action_id=action.pk, by=manager, **_action_data(held_on=TODAY() + timedelta(days=90))
        )

    action.refresh_from_db()
    assert (action.title, action.people_reached, action.held_on) == (
        "Stand corrigé",
        130,
        TODAY(),
    )


@pytest.mark.parametrize("persona", ["requester", "specialist", "authority"])
def test_only_managers_and_coordinators_record_actions(persona, request):
    user = request.getfixturevalue(persona)
    action = CampaignActionFactory()

    with pytest.raises(PermissionDenied):
        services.campaign_action_record(campaign_id=action.campaign.pk, by=user, **_action_data())
    with pytest.raises(PermissionDenied):
        services.campaign_action_update(action_id=action.pk, by=user, **_action_data())
    with pytest.raises(PermissionDenied):
        services.campaign_action_delete(action_id=action.pk, by=user)

    assert CampaignAction.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The public list and page
# ---------------------------------------------------------------------------------------------
def test_anyone_reads_the_public_campaigns_current_and_past(client, territory):
    current = CampaignFactory(title="Dépistage en cours", theme="Hypertension artérielle")
    current.departements.set(["45"])
    current.communes.set(["45234"])
    CampaignFactory(
        title="Campagne passée",
        starts_on=TODAY() - timedelta(days=400),
        ends_on=TODAY() - timedelta(days=300),
    )
    CampaignFactory(title="Campagne interne", is_public=False)

    response = client.get(reverse("events:campaign_list"))

    assert response.status_code == 200
    text = response.text
    assert "Dépistage en cours" in text and "Campagne passée" in text
    assert text.index("Dépistage en cours") < text.index("Campagne passée")
    assert "Hypertension artérielle" in text and "Loiret (45)" in text and "Orléans" in text
    assert "Dépistage" in text  # the kind
    assert "Campagne interne" not in text
    assert "Nouvelle campagne" not in text


@pytest.mark.parametrize("persona", ["manager", "coordinator"])
def test_managers_also_see_campaigns_kept_off_the_public_page(persona, request, client_for):
    CampaignFactory(title="Campagne interne", is_public=False)

    response = client_for(request.getfixturevalue(persona)).get(reverse("events:campaign_list"))

    assert "Campagne interne" in response.text
    assert "non publique" in response.text
    assert reverse("events:campaign_create") in response.text


def test_the_list_costs_the_same_whatever_the_number_of_campaigns(
    client_for, manager, territory, django_assert_max_num_queries
):
    client = client_for(manager)
    partner = PartnerFactory()

    def campaign(n: int, *, past: bool = False):
        days = -400 if past else 0
        created = CampaignFactory(
            title=f"Campagne n°{n}",
            is_public=bool(n % 2),
            starts_on=TODAY() + timedelta(days=days - 10),
            ends_on=TODAY() + timedelta(days=days + 10),
        )
        created.communes.set(["45234", "45232"])
        created.departements.set(["45"])
        created.partners.set([partner])
        CampaignActionFactory.create_batch(2, campaign=created, held_on=created.starts_on)

    campaign(0)
    campaign(1, past=True)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("events:campaign_list"))
    for n in range(2, 12):
        campaign(n, past=n % 3 == 0)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("events:campaign_list"))

    assert all(f"Campagne n°{n}<" in response.text for n in range(12))


def test_the_campaign_page_shows_its_territory_partners_project_actions_and_totals(
    client, territory
):
    campaign = CampaignFactory(
        title="Dépistage de la fibrillation atriale",
        description="Un ECG en pharmacie.",
        target_population="Personnes de 65 ans et plus",
    )
    campaign.communes.set(["45203"])
    campaign.partners.set([PartnerFactory(name="CPTS du Grand Orléans")])
    CampaignActionFactory(campaign=campaign, people_reached=64, screenings_done=58)
    CampaignActionFactory(
        campaign=campaign, people_reached=212, screenings_done=187, referrals_generated=11
    )
    validator = UserFactory(authority=True)
    for number, title, validated in (
        (1, "Version ancienne", True),
        (2, "Dépister la FA en ville", True),
        (3, "Action encore en projet", False),
    ):
        _project_action(number, title, campaign, validated=validated, by=validator)

    response = client.get(reverse("events:campaign_detail", args=[campaign.public_id]))

    assert response.status_code == 200
    text = response.text
    for shown in (
        "Un ECG en pharmacie.",
        "Personnes de 65 ans et plus",
        "Meung-sur-Loire",
        "CPTS du Grand Orléans",
        "Dépister la FA en ville",
        '<dd class="col-4 text-end" id="total-people">276</dd>',
        '<dd class="col-4 text-end" id="total-screenings">245</dd>',
        '<dd class="col-4 text-end" id="total-referrals">17</dd>',
    ):
        assert shown in text, shown
    assert "Action encore en projet" not in text
    assert "Version ancienne" not in text
    assert "Stand de dépistage au marché" not in text  # the actions' list is the managers'
    assert reverse("events:campaign_edit", args=[campaign.public_id]) not in text


@pytest.mark.parametrize("persona", ["anonymous", "requester", "specialist", "authority"])
def test_a_campaign_kept_off_the_public_page_is_not_found(persona, request, client, client_for):
    campaign = CampaignFactory(is_public=False)
    http = client if persona == "anonymous" else client_for(request.getfixturevalue(persona))

    response = http.get(reverse("events:campaign_detail", args=[campaign.public_id]))

    assert response.status_code == 404


def test_a_manager_reads_and_runs_a_campaign_kept_off_the_public_page(client_for, manager):
    campaign = CampaignFactory(is_public=False)
    action = CampaignActionFactory(campaign=campaign, title="Stand interne")
    _project_action(1, "Action encore en projet", campaign, validated=False, by=manager)

    response = client_for(manager).get(reverse("events:campaign_detail", args=[campaign.public_id]))

    assert response.status_code == 200
    text = response.text
    assert "Stand interne" in text
    assert (
        reverse("events:campaign_action_edit", args=[campaign.public_id, action.public_id]) in text
    )
    assert (
        reverse("events:campaign_action_delete", args=[campaign.public_id, action.public_id])
        in text
    )
    assert reverse("events:campaign_action_create", args=[campaign.public_id]) in text
    assert "N&#x27;écrivez ici aucun nom de patient" in text
    assert "Action encore en projet" in text and "projet de santé v1, Brouillon" in text


# ---------------------------------------------------------------------------------------------
# The managers' pages
# ---------------------------------------------------------------------------------------------
def test_a_coordinator_creates_a_campaign_with_communes_picked_one_by_one(
    client_for, coordinator, territory
):
    cpts = PartnerFactory(name="CPTS du Grand Orléans")
    client = client_for(coordinator)
    assert "data-combobox" in client.get(reverse("events:campaign_create")).text

    response = client.post(
        reverse("events:campaign_create"),
        _form(_campaign_data())
        | {
            "commune_1": "45234 — Orléans (45000)",
            "commune_2": "Olivet 45160",
            "commune_3": "",
            "commune_5": "45234",  # the same one twice, and one input added by the page
            "departements": ["45"],
            "partners": [str(cpts.pk)],
            "is_public": "on",
        },
    )

    assert response.status_code == 302, response.text
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("events:campaign_detail", args=[campaign.public_id])
    assert set(campaign.communes.values_list("code", flat=True)) == {"45234", "45232"}
    assert list(campaign.partners.all()) == [cpts]
    assert campaign.is_public

    edit = client.get(reverse("events:campaign_edit", args=[campaign.public_id])).text
    assert Commune.objects.get(code="45232").label in edit


def test_the_form_tells_an_unknown_commune_and_a_period_the_wrong_way_round(
    client_for, manager, territory
):
    data = _campaign_data(starts_on=TODAY(), ends_on=TODAY() - timedelta(days=3))

    response = client_for(manager).post(
        reverse("events:campaign_create"),
        _form(data) | {"commune_1": "Nulle-Part-sur-Loire"},
    )

    assert response.status_code == 200
    assert "Commune inconnue : « Nulle-Part-sur-Loire »" in response.text
    assert not Campaign.objects.exists()

    response = client_for(manager).post(reverse("events:campaign_create"), _form(data))

    assert "La fin de la campagne ne peut pas précéder son début." in response.text
    assert not Campaign.objects.exists()


def test_a_manager_edits_a_campaign(client_for, manager):
    campaign = CampaignFactory()

    response = client_for(manager).post(
        reverse("events:campaign_edit", args=[campaign.public_id]),
        _form(_campaign_data(title="Nouveau titre")),
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Nouveau titre"
    assert not campaign.is_public  # an unticked box


@pytest.mark.parametrize("persona", ["requester", "specialist", "authority"])
def test_the_management_pages_refuse_everyone_else(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    campaign = CampaignFactory()
    action = CampaignActionFactory(campaign=campaign)
    ids = [campaign.public_id, action.public_id]

    assert client.get(reverse("events:campaign_create")).status_code == 403
    assert (
        client.post(reverse("events:campaign_create"), _form(_campaign_data())).status_code == 403
    )
    assert client.get(reverse("events:campaign_edit", args=ids[:1])).status_code == 403
    assert client.get(reverse("events:campaign_export", args=ids[:1])).status_code == 403
    assert (
        client.post(
            reverse("events:campaign_action_create", args=ids[:1]), _form(_action_data())
        ).status_code
        == 403
    )
    assert client.get(reverse("events:campaign_action_edit", args=ids)).status_code == 404
    assert client.post(reverse("events:campaign_action_delete", args=ids)).status_code == 404
    assert Campaign.objects.count() == 1 and CampaignAction.objects.count() == 1


def test_the_management_pages_send_the_signed_out_to_sign_in(client):
    response = client.get(reverse("events:campaign_create"))

    assert response.status_code == 302
    assert "/connexion/" in response["Location"] or "login" in response["Location"]


def test_a_coordinator_records_an_action_from_the_campaigns_page(client_for, coordinator):
    campaign = CampaignFactory()
    client = client_for(coordinator)

    response = client.post(
        reverse("events:campaign_action_create", args=[campaign.public_id]),
        _form(_action_data(notes="Prévoir des brassards")),
        follow=True,
    )

    assert "Action « Stand au marché » enregistrée." in response.text
    action = campaign.actions.get()
    assert (action.people_reached, action.screenings_done, action.referrals_generated) == (
        100,
        40,
        3,
    )
    assert action.notes == "Prévoir des brassards"
    assert 'id="total-people">100<' in response.text


def test_an_action_dated_outside_the_campaign_is_refused_on_the_page(client_for, coordinator):
    campaign = CampaignFactory()
    held_on = campaign.ends_on + timedelta(days=1)

    response = client_for(coordinator).post(
        reverse("events:campaign_action_create", args=[campaign.public_id]),
        _form(_action_data(held_on=held_on)),
        follow=True,
    )

    assert f"Le {held_on:%d/%m/%Y} est hors de la période de la campagne" in response.text
    assert not CampaignAction.objects.exists()
    # The form comes back as typed, to be corrected rather than typed again.
    assert response.redirect_chain == []
    assert 'value="Stand au marché"' in response.text
    assert f'value="{held_on:%Y-%m-%d}"' in response.text
    assert 'value="100"' in response.text


def test_a_negative_count_is_refused_on_the_page(client_for, coordinator):
    campaign = CampaignFactory()

    response = client_for(coordinator).post(
        reverse("events:campaign_action_create", args=[campaign.public_id]),
        _form(_action_data(people_reached=-4)),
        follow=True,
    )

    assert "supérieure ou égale à 0" in response.text
    assert not CampaignAction.objects.exists()


def test_a_manager_corrects_then_deletes_an_action(client_for, manager):
    action = CampaignActionFactory(title="Stand")
    campaign = action.campaign
    client = client_for(manager)
    edit = reverse("events:campaign_action_edit", args=[campaign.public_id, action.public_id])

    assert 'value="Stand"' in client.get(edit).text
    refused = client.post(edit, _form(_action_data(screenings_done=500)))
    assert "Plus de dépistages (500) que de personnes touchées (100)" in refused.text
    response = client.post(edit, _form(_action_data(title="Stand du samedi")))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Stand du samedi"

    client.post(
        reverse("events:campaign_action_delete", args=[campaign.public_id, action.public_id])
    )

    assert not CampaignAction.objects.exists()


def test_an_action_is_reached_only_through_its_own_campaign(client_for, manager):
    action = CampaignActionFactory()
    other = CampaignFactory()

    response = client_for(manager).get(
        reverse("events:campaign_action_edit", args=[other.public_id, action.public_id])
    )

    assert response.status_code == 404


def test_the_export_lists_the_actions_with_formulas_neutralised(client_for, manager):
    campaign = CampaignFactory(title='=HYPERLINK("http://x")')
    CampaignActionFactory(
        campaign=campaign,
        title="Stand",
        place="+33 place",
        notes="@SUM(A1:A2)",
        people_reached=120,
    )

    response = client_for(manager).get(reverse("events:campaign_export", args=[campaign.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 1
    row = rows[0]
    assert row["Campagne"] == '\'=HYPERLINK("http://x")'
    assert row["Lieu"] == "'+33 place"
    assert row["Remarques"] == "'@SUM(A1:A2)"
    assert row["Personnes touchées"] == "120"
    assert row["Date"] == f"{TODAY():%d/%m/%Y}"


def test_the_menu_offers_campaigns_to_those_who_run_them(client_for, coordinator, specialist):
    assert reverse("events:campaign_list") in client_for(coordinator).get("/").text
    assert reverse("events:campaign_list") not in client_for(specialist).get("/").text


# ---------------------------------------------------------------------------------------------
# Demo
# ---------------------------------------------------------------------------------------------
def test_the_demo_quarter_is_the_next_one():
    from datetime import date

    assert _quarter(date(2026, 12, 4), 1) == (date(2027, 1, 1), date(2027, 3, 31))
    assert _quarter(date(2026, 5, 31), 1) == (date(2026, 7, 1), date(2026, 9, 30))
    assert _quarter(date(2026, 5, 31), 0) == (date(2026, 4, 1), date(2026, 6, 30))


def test_the_demo_campaigns_are_played_through_the_services_once(territory):
    PartnerFactory(name="CPTS du Grand Orléans")
    users = {
        "coordination": UserFactory(coordinator=True),
        "cardiologue2": UserFactory(manager=True),
    }

    seed_campaigns(users)
    seed_campaigns(users)

    screening = Campaign.objects.get(title="Dépistage de la fibrillation atriale")
    assert screening.actions.count() == 4
    assert list(screening.departements.values_list("code", flat=True)) == ["45"]
    assert screening.communes.count() == 4
    assert screening.partners.filter(name="CPTS du Grand Orléans").exists()
    assert all(screening.starts_on <= a.held_on <= TODAY() for a in screening.actions.all())
    planned = Campaign.objects.get(title="Cœur de femme")
    assert planned.starts_on > TODAY() and not planned.actions.exists()
    assert Campaign.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# Deleting a campaign planned by mistake
# ---------------------------------------------------------------------------------------------
def test_a_campaign_planned_by_mistake_is_deleted_from_its_page(coordinator, client_for):
    campaign = CampaignFactory(title="Campagne en double")
    client = client_for(coordinator)
    url = reverse("events:campaign_delete", args=[campaign.public_id])
    assert url in client.get(reverse("events:campaign_detail", args=[campaign.public_id])).text

    response = client.post(url)

    assert response.url == reverse("events:campaign_list")
    assert not Campaign.objects.exists()
    assert "Campagne « Campagne en double » supprimée." in client.get(response.url).text


def test_a_campaign_with_recorded_actions_or_in_the_project_stays(manager, client_for):
    counted = CampaignActionFactory().campaign
    cited = CampaignFactory()
    _project_action(1, "Dépister l'hypertension", cited, validated=True, by=manager)
    client = client_for(manager)

    for campaign, message in [
        (counted, "Des actions sont enregistrées pour cette campagne"),
        (cited, "Une action du projet de santé cite cette campagne"),
    ]:
        detail = reverse("events:campaign_detail", args=[campaign.public_id])
        url = reverse("events:campaign_delete", args=[campaign.public_id])
        assert url not in client.get(detail).text
        response = client.post(url)
        assert response.url == detail
        assert message in client.get(detail).text

    assert Campaign.objects.count() == 2
    assert cited.project_actions.count() == 1


@pytest.mark.parametrize("persona", ["specialist", "requester"])
def test_only_managers_and_coordinators_delete_campaigns(persona, request):
    campaign = CampaignFactory()

    with pytest.raises(PermissionDenied):
        services.campaign_delete(campaign_id=campaign.pk, by=request.getfixturevalue(persona))

    assert Campaign.objects.filter(pk=campaign.pk).exists()
