from itertools import pairwise

import pytest
from django.utils import timezone

from ess.demo import seed_demo
from ess.demo_data import DemoDataError
from members.models import Organisation
from partners.demo import DATA_FILE, load
from partners.models import CONVENTION_TRANSITIONS, Convention, ConventionDocument, Partner


def test_seed_demo_adds_realistic_partners_and_conventions_in_several_states(
    db, settings, territory
):
    settings.ESS_DEMO = True

    seed_demo()
    counts = (Partner.objects.count(), Convention.objects.count())
    seed_demo()

    assert (Partner.objects.count(), Convention.objects.count()) == counts
    assert {"cpts", "msp", "dac", "chr", "ehpad"} <= set(
        Partner.objects.values_list("type__code", flat=True)
    )
    assert {"draft", "negotiation", "signed", "active", "expired", "terminated"} == set(
        Convention.objects.values_list("status", flat=True)
    )
    for partner in Partner.objects.all():
        partner.full_clean()  # identifiers with valid keys
    assert ConventionDocument.objects.filter(doc_type="signed").count() == 5
    msp = Organisation.objects.get(name="Maison de santé de Meung-sur-Loire")
    assert msp.partner.type.code == "msp"


def test_demo_conventions_went_through_their_workflow_in_the_past(db, settings, territory):
    settings.ESS_DEMO = True
    before = timezone.now()

    seed_demo()

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
