from itertools import pairwise

import pytest
from django.utils import timezone

from ess.demo import demo_email
from ess.demo_data import DemoDataError
from members.models import Organisation
from partners.demo import DATA_FILE, load
from partners.models import (
    CONVENTION_TRANSITIONS,
    Convention,
    ConventionDocument,
    Partner,
    Protocol,
)
from tests.shared_data import between_demo_seeds, reads_shared


@between_demo_seeds
def partner_counts():
    return (Partner.objects.count(), Convention.objects.count())


@reads_shared("demo", "demo_again")
def test_seed_demo_adds_realistic_partners_and_conventions_in_several_states(shared_data, settings):
    settings.ESS_DEMO = True
    # The demo seeded, the counts taken, then the demo seeded again (shared layers).
    counts = shared_data["demo_again"][partner_counts]

    assert partner_counts() == counts
    assert {"cpts", "msp", "dac", "chr", "ehpad"} <= set(
        Partner.objects.values_list("type__code", flat=True)
    )
    assert {"draft", "negotiation", "signed", "active", "expired", "terminated"} == set(
        Convention.objects.values_list("status", flat=True)
    )
    for partner in Partner.objects.all():
        partner.full_clean()  # identifiers with valid keys
    assert ConventionDocument.objects.filter(doc_type="signed").count() == 7
    msp = Organisation.objects.get(name="Maison de santé de Meung-sur-Loire")
    assert msp.partner.type.code == "msp"


@reads_shared("demo")
def test_demo_conventions_went_through_their_workflow_in_the_past(shared_data, settings):
    settings.ESS_DEMO = True
    # The time just before the demo was seeded (shared layer).
    before = shared_data["demo"].started

    for convention in Convention.objects.prefetch_related("events"):
        moves = [e for e in convention.events.all() if e.to_status]
        assert moves[0].to_status == "draft"
        assert moves[0].at == convention.created_at < before
        for previous, move in pairwise(moves):
            assert move.from_status == previous.to_status, convention.title
            assert move.to_status in CONVENTION_TRANSITIONS[move.from_status], convention.title
            assert previous.at < move.at < before
        assert moves[-1].to_status == convention.status
    active = Convention.objects.get(title__startswith="Convention de partenariat ESS – CPTS")
    came_into_force = active.events.get(to_status="active")
    assert came_into_force.actor is None  # the daily job, on the date of effect
    assert timezone.localdate(came_into_force.at) == active.effective_on


def test_a_malformed_demo_convention_is_refused_with_where_and_why(tmp_path):
    text = DATA_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "data.toml"
    broken.write_text(text.replace('drafted = "-480d 10:00"', 'drafted = "480 days ago"'))

    with pytest.raises(DemoDataError, match=r"conventions\[0\]\.moments: '480 days ago'"):
        load(broken)


@reads_shared("demo")
def test_the_demo_heart_failure_protocol_is_in_force_with_its_people_and_tasks(
    shared_data, settings
):
    settings.ESS_DEMO = True
    # The demo seeded (shared layer).

    protocol = Protocol.objects.get(
        convention__title="Protocole de coopération — suivi de l'insuffisance cardiaque par IPA"
    )
    assert protocol.convention.is_in_force()
    assert protocol.specialty.code == "cardiologie"
    assert "hospitalisation" in protocol.eligibility
    assert {u.email for u in protocol.delegating_doctors.all()} == {
        demo_email("cardiologue"),
        demo_email("cardiologue2"),
    }
    (ipa,) = protocol.delegates.all()
    assert ipa.email == demo_email("ipa") and ipa.roles == {"paramedic"}
    assert [(t.day, t.kind, t.label) for t in protocol.task_templates.all()] == [
        (7, "call", "Appel de suivi : poids, dyspnée, œdèmes"),
        (14, "visit", "Consultation de titration"),
        (28, "visit", "Consultation de titration"),
        (30, "lab", "Bilan biologique : kaliémie, créatininémie"),
    ]
    expired = Protocol.objects.exclude(pk=protocol.pk).get(convention__status="expired")
    assert not expired.convention.is_in_force()
    assert expired.task_templates.exists()


def test_a_demo_protocol_with_an_unknown_task_kind_is_refused(tmp_path):
    text = DATA_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "data.toml"
    broken.write_text(
        text.replace('kind = "lab", label = "Bilan', 'kind = "bilan", label = "Bilan', 1)
    )

    with pytest.raises(DemoDataError, match=r"protocol\.tasks\[3\]\.kind"):
        load(broken)
