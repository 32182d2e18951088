"""A protocol's people and task plan: who edits them, what is refused, what readers see on
the convention's page, in the register and in the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from ess.models import Specialty
from partners import services
from partners.models import ConventionKind, Protocol, ProtocolTaskTemplate
from partners.services import TaskTemplateInput
from tests.factories import ConventionFactory, UserFactory
from tests.partners.conftest import protocol_convention


@pytest.fixture
def cardiology(db):
    return Specialty.objects.get_or_create(code="cardiologie", defaults={"label": "Cardiologie"})[0]


@pytest.fixture
def draft_protocol(db):
    return ConventionFactory(
        kind=ConventionKind.objects.get(code="protocole-cooperation"), title="Protocole IC"
    )


def _post(convention, *, doctors=(), delegates=(), tasks=(), specialty=None, eligibility=""):
    data = {
        "specialty": specialty.pk if specialty else "",
        "eligibility": eligibility,
        "delegating_doctors": [u.pk for u in doctors],
        "delegates": [u.pk for u in delegates],
        "taches-TOTAL_FORMS": str(len(tasks)),
        "taches-INITIAL_FORMS": "0",
        "taches-MIN_NUM_FORMS": "0",
        "taches-MAX_NUM_FORMS": "1000",
    }
    for i, task in enumerate(tasks):
        for name, value in task.items():
            data[f"taches-{i}-{name}"] = value
    return data


HF_TASKS = [
    {"day": "7", "kind": "call", "label": "Appel de suivi : poids, dyspnée, œdèmes"},
    {"day": "14", "kind": "visit", "label": "Consultation de titration"},
    {"day": "30", "kind": "lab", "label": "Bilan biologique : kaliémie, créatininémie"},
]


def test_manager_describes_a_protocol_with_its_people_and_tasks(
    client_for, manager, specialist, paramedic, cardiology, draft_protocol
):
    url = f"/partenaires/conventions/{draft_protocol.public_id}/protocole/"
    client = client_for(manager)
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        _post(
            draft_protocol,
            doctors=[specialist],
            delegates=[paramedic],
            tasks=HF_TASKS,
            specialty=cardiology,
            eligibility="Insuffisance cardiaque, sortie d'hospitalisation",
        ),
    )

    assert response.status_code == 302
    protocol = Protocol.objects.get(convention=draft_protocol)
    assert protocol.specialty == cardiology
    assert list(protocol.delegating_doctors.all()) == [specialist]
    assert list(protocol.delegates.all()) == [paramedic]
    assert [(t.day, t.kind) for t in protocol.task_templates.all()] == [
        (7, "call"),
        (14, "visit"),
        (30, "lab"),
    ]
    page = client.get(f"/partenaires/conventions/{draft_protocol.public_id}/").content.decode()
    assert "Protocole non applicable" in page  # a draft is not in force
    assert "Consultation de titration" in page
    assert paramedic.display_name in page
    assert draft_protocol.events.filter(note="Protocole modifié.").exists()


def test_a_protocol_in_force_is_shown_applicable_on_its_page_and_in_the_register(
    client_for, manager, specialist, paramedic
):
    protocol = protocol_convention(doctors=[specialist], delegates=[paramedic])
    expired = protocol_convention(in_force=False, title="Ancien protocole")
    client = client_for(manager)

    page = client.get(f"/partenaires/conventions/{protocol.convention.public_id}/")
    register = client.get("/partenaires/conventions/").content.decode()

    assert "Protocole applicable" in page.content.decode()
    assert register.count("Protocole applicable") == 1
    assert register.count("Protocole non applicable") == 1
    old = client.get(f"/partenaires/conventions/{expired.convention.public_id}/").content.decode()
    assert "Protocole non applicable" in old
    assert "Modifier le protocole" not in old  # closed: no longer editable


def test_editing_existing_tasks_changes_and_removes_them_in_place(
    client_for, manager, specialist, paramedic
):
    protocol = protocol_convention(doctors=[specialist], delegates=[paramedic])
    (call,) = protocol.task_templates.all()
    data = _post(
        protocol.convention,
        doctors=[specialist],
        delegates=[paramedic],
        tasks=[
            {"template_id": str(call.pk), "day": "8", "kind": "call", "label": "Appel J8"},
            {"day": "28", "kind": "visit", "label": "Titration"},
        ],
    )
    client_for(manager).post(
        f"/partenaires/conventions/{protocol.convention.public_id}/protocole/", data
    )
    call.refresh_from_db()
    assert (call.day, call.label) == (8, "Appel J8")
    assert protocol.task_templates.count() == 2

    data = _post(
        protocol.convention,
        doctors=[specialist],
        delegates=[paramedic],
        tasks=[
            {"template_id": str(call.pk), "day": "8", "kind": "call", "label": "x", "DELETE": "on"}
        ],
    )
    client_for(manager).post(
        f"/partenaires/conventions/{protocol.convention.public_id}/protocole/", data
    )
    assert list(protocol.task_templates.values_list("label", flat=True)) == ["Titration"]


@pytest.mark.parametrize("persona", ["coordinator", "specialist", "paramedic", "authority"])
def test_only_those_who_manage_conventions_edit_a_protocol(
    client_for, personas, persona, draft_protocol
):
    url = f"/partenaires/conventions/{draft_protocol.public_id}/protocole/"
    client = client_for(personas[persona])

    assert client.get(url).status_code == 403
    assert client.post(url, _post(draft_protocol, tasks=HF_TASKS)).status_code == 403
    assert not Protocol.objects.exists()


def test_a_requester_gets_404_on_a_protocol_page(client_for, requester, draft_protocol):
    url = f"/partenaires/conventions/{draft_protocol.public_id}/protocole/"
    assert client_for(requester).get(url).status_code == 404


def test_a_convention_that_is_not_a_protocol_has_no_protocol_page(client_for, manager):
    convention = ConventionFactory()
    url = f"/partenaires/conventions/{convention.public_id}/protocole/"

    assert client_for(manager).get(url).status_code == 404
    page = client_for(manager).get(f"/partenaires/conventions/{convention.public_id}/")
    assert "Modifier le protocole" not in page.content.decode()
    with pytest.raises(ValidationError, match="n'est pas un protocole"):
        services.protocol_update(convention_id=convention.pk, by=manager)


def test_a_delegate_who_is_not_a_paramedic_is_refused_and_nothing_is_written(
    client_for, manager, specialist, coordinator, draft_protocol
):
    url = f"/partenaires/conventions/{draft_protocol.public_id}/protocole/"

    response = client_for(manager).post(
        url, _post(draft_protocol, doctors=[specialist], delegates=[coordinator], tasks=HF_TASKS)
    )

    assert response.status_code == 200
    assert (
        f"{coordinator.display_name} n&#x27;est pas un professionnel paramédical (IPA, IDE)"
        in response.content.decode()
    )
    assert not Protocol.objects.exists()
    assert not ProtocolTaskTemplate.objects.exists()


def test_a_delegating_doctor_must_be_a_specialist(manager, paramedic, draft_protocol):
    requester = UserFactory(requester=True)
    with pytest.raises(ValidationError) as refused:
        services.protocol_update(
            convention_id=draft_protocol.pk, by=manager, delegating_doctors=[requester]
        )
    assert "ne peut pas déléguer" in refused.value.message_dict["delegating_doctors"][0]
    assert not Protocol.objects.exists()


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ({"day": "7", "kind": "call", "label": ""}, "Tâche 1 : Indiquez la tâche."),
        ({"day": "", "kind": "call", "label": "Appel"}, "Tâche 1 : Indiquez le jour"),
        ({"day": "900", "kind": "call", "label": "Appel"}, "Tâche 1 : Le jour d&#x27;une tâche va"),
        ({"day": "-1", "kind": "call", "label": "Appel"}, "Tâche 1 : Le jour d&#x27;une tâche va"),
    ],
)
def test_a_wrong_task_line_is_refused_with_its_number_and_nothing_is_written(
    client_for, manager, specialist, paramedic, draft_protocol, task, message
):
    url = f"/partenaires/conventions/{draft_protocol.public_id}/protocole/"

    response = client_for(manager).post(
        url, _post(draft_protocol, doctors=[specialist], delegates=[paramedic], tasks=[task])
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Protocol.objects.exists()


def test_the_same_task_twice_the_same_day_is_refused(manager, draft_protocol):
    twice = [TaskTemplateInput("Appel", "call", 7), TaskTemplateInput("appel", "call", 7)]

    with pytest.raises(ValidationError, match="figure deux fois à J7"):
        services.protocol_update(convention_id=draft_protocol.pk, by=manager, task_templates=twice)
    assert not Protocol.objects.exists()


def test_two_tasks_may_swap_their_days(manager):
    protocol = protocol_convention()
    first = protocol.task_templates.get()
    second = ProtocolTaskTemplate.objects.create(protocol=protocol, label="Appel", day=14)

    services.protocol_update(
        convention_id=protocol.convention_id,
        by=manager,
        task_templates=[
            TaskTemplateInput("Appel", "call", 14, template_id=first.pk),
            TaskTemplateInput("Appel", "call", 7, template_id=second.pk),
        ],
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.day, second.day) == (14, 7)


def test_a_template_of_another_protocol_cannot_be_edited_through_this_one(manager):
    mine, other = protocol_convention(), protocol_convention(title="Autre")
    foreign = other.task_templates.get()

    with pytest.raises(ValidationError, match="n'appartient pas à ce protocole"):
        services.protocol_update(
            convention_id=mine.convention_id,
            by=manager,
            task_templates=[TaskTemplateInput("Pris", "call", 3, template_id=foreign.pk)],
        )
    foreign.refresh_from_db()
    assert foreign.label == "Appel"


def test_the_protocol_of_a_closed_convention_is_no_longer_editable(manager):
    protocol = protocol_convention(in_force=False)

    with pytest.raises(TransitionNotAllowed, match="n'est plus modifiable"):
        services.protocol_update(convention_id=protocol.convention_id, by=manager)
    with pytest.raises(TransitionNotAllowed):
        services.protocol_task_template_add(
            protocol_id=protocol.pk, by=manager, label="Appel", kind="call", day=3
        )


def test_task_template_services_add_change_and_remove_one_task(manager, specialist):
    protocol = protocol_convention()

    added = services.protocol_task_template_add(
        protocol_id=protocol.pk, by=manager, label=" Bilan ", kind="lab", day=30
    )
    assert added.label == "Bilan"
    with pytest.raises(ValidationError, match="figure déjà à J30"):
        services.protocol_task_template_add(
            protocol_id=protocol.pk, by=manager, label="bilan", kind="lab", day=30
        )
    with pytest.raises(ValidationError, match="Nature de tâche inconnue"):
        services.protocol_task_template_update(
            template_id=added.pk, by=manager, label="Bilan", kind="??", day=30
        )
    services.protocol_task_template_update(
        template_id=added.pk, by=manager, label="Bilan", kind="lab", day=28
    )
    added.refresh_from_db()
    assert added.day == 28
    with pytest.raises(PermissionDenied):
        services.protocol_task_template_remove(template_id=added.pk, by=specialist)
    services.protocol_task_template_remove(template_id=added.pk, by=manager)
    assert not ProtocolTaskTemplate.objects.filter(pk=added.pk).exists()


def test_the_conventions_api_nests_the_protocol_read_only(
    api_client, specialist, paramedic, manager
):
    protocol = protocol_convention(doctors=[specialist], delegates=[paramedic])
    protocol_convention(in_force=False, title="Ancien protocole")
    ConventionFactory(title="Partenariat")
    api_client.force_authenticate(paramedic)

    results = {c["title"]: c for c in api_client.get("/api/v1/conventions/").json()["results"]}

    assert results["Partenariat"]["protocol"] is None
    nested = results["Protocole IC"]["protocol"]
    assert nested["applicable"] is True
    assert nested["eligibility"] == "IC après sortie"
    assert nested["delegating_doctors"] == [
        {"id": str(specialist.public_id), "name": specialist.display_name}
    ]
    assert nested["delegates"] == [{"id": str(paramedic.public_id), "name": paramedic.display_name}]
    assert nested["task_templates"] == [
        {
            "day": 7,
            "kind": "call",
            "kind_label": "Appel téléphonique",
            "label": "Appel",
            "instructions": "",
        }
    ]
    assert results["Ancien protocole"]["protocol"]["applicable"] is False
    one = api_client.get(f"/api/v1/conventions/{protocol.convention.public_id}/").json()
    assert one["protocol"]["task_templates"][0]["day"] == 7


def test_the_conventions_api_lists_protocols_in_a_constant_number_of_queries(
    api_client, manager, specialist, paramedic, django_assert_max_num_queries
):
    api_client.force_authenticate(manager)
    protocol_convention(doctors=[specialist], delegates=[paramedic])
    with django_assert_max_num_queries(30) as few:
        assert api_client.get("/api/v1/conventions/").status_code == 200

    for n in range(5):
        protocol_convention(
            doctors=[UserFactory(specialist=True)],
            delegates=[UserFactory(paramedic=True)],
            title=f"Protocole {n}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_client.get("/api/v1/conventions/").status_code == 200


def test_the_convention_page_with_a_protocol_runs_a_bounded_number_of_queries(
    client_for, manager, django_assert_max_num_queries
):
    protocol = protocol_convention(
        doctors=[UserFactory(specialist=True) for _ in range(3)],
        delegates=[UserFactory(paramedic=True) for _ in range(3)],
    )
    for day in range(10, 20):
        ProtocolTaskTemplate.objects.create(protocol=protocol, label="Appel", day=day)
    assert timezone.localdate()
    with django_assert_max_num_queries(40):
        client_for(manager).get(f"/partenaires/conventions/{protocol.convention.public_id}/")
