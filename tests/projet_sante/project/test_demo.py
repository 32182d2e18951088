"""The demo's health project: v1 validated by the ARS account, v2 in progress with changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ess.demo import seed_accounts, seed_team
from ess.demo_data import DemoDataError
from projet_sante.project.demo import DATA_FILE, load, seed_health_project
from projet_sante.project.models import Action, ProjectComment, ProjectVersion
from projet_sante.project.selectors import sections_diff


def test_the_demo_project_has_a_validated_v1_and_a_v2_draft(db, settings, territory):
    settings.ESS_DEMO = True
    seed_team()
    users = seed_accounts()

    seed_health_project(users)
    seed_health_project(users)  # idempotent

    v1, v2 = ProjectVersion.objects.order_by("number")
    assert (v1.status, v2.status) == ("validated", "draft")
    # Signed by the ARS, then by the CPAM, whose signature validated it.
    assert v1.validated_by.email == "cpam@demo.example.org"
    signatures = list(v1.signatures.order_by("signed_at"))
    assert [(s.institution, s.signed_by.email) for s in signatures] == [
        ("ars", "ars@demo.example.org"),
        ("cpam", "cpam@demo.example.org"),
    ]
    assert signatures[0].signed_at < signatures[1].signed_at <= v1.validated_at
    assert {c.author.email for c in ProjectComment.objects.filter(version=v1)} == {
        "ars@demo.example.org",
        "cpam@demo.example.org",
    }
    assert v2.based_on == v1
    changed = [s["key"] for s in sections_diff(v1, v2) if s["changed"]]
    assert changed == ["diagnostic", "missions", "evaluation"]
    assert {a.status for a in Action.objects.filter(mission__version=v1)} == {
        "planned",
        "in_progress",
        "done",
        "abandoned",
    }
    assert (
        Action.objects.filter(mission__version=v2).count()
        == Action.objects.filter(mission__version=v1).count()
    )
    assert set(v1.missions.values_list("kind", flat=True)) == {"core_1", "core_2", "other"}


def test_the_demo_project_was_validated_months_ago_and_v2_opened_recently(db, settings, territory):
    settings.ESS_DEMO = True
    seed_team()
    seed_health_project(seed_accounts())
    now = timezone.now()

    v1, v2 = ProjectVersion.objects.order_by("number")
    assert v1.validated_at < now - timedelta(days=200)
    assert now - timedelta(days=60) < v2.created_at < now


def test_a_demo_project_change_that_matches_nothing_is_refused(tmp_path):
    broken = tmp_path / "data.toml"
    text = DATA_FILE.read_text(encoding="utf-8")
    broken.write_text(
        text.replace('"Une évaluation qualitative", "5.', '"Une auto-évaluation", "5.')
    )
    assert broken.read_text() != text
    with pytest.raises(DemoDataError, match=r"v2\[\]\.replace: .* is not in v1"):
        load(broken)
