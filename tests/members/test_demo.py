"""The demo's members applied and were validated through the membership services, in the past."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ess.demo import seed_accounts, seed_team
from ess.demo_data import DemoDataError
from members.demo import DATA_FILE, load, seed_members
from members.models import GovernanceRole, Membership


def test_demo_members_applied_and_were_validated_a_year_ago(db, settings, territory):
    settings.ESS_DEMO = True
    seed_team()
    users = seed_accounts()
    today = timezone.localdate()

    seed_members(users)
    counts = (Membership.objects.count(), GovernanceRole.objects.count())
    seed_members(users)  # idempotent

    assert (Membership.objects.count(), GovernanceRole.objects.count()) == counts
    # Three joined later, one each quarter: the representativeness history grows.
    later = {"c.girard": (110, 100), "t.chevalier": (290, 280), "s.gauthier": (200, 190)}
    for membership in Membership.objects.filter(status="active"):
        moves = [(e.from_status, e.to_status) for e in membership.events.all() if e.to_status]
        assert moves == [("", "applied"), ("applied", "validated"), ("validated", "active")]
        applied, joined = later.get(membership.email.split("@")[0], (400, 380))
        assert timezone.localdate(membership.applied_at) == today - timedelta(days=applied)
        assert timezone.localdate(membership.joined_at) == today - timedelta(days=joined)
        assert membership.user.check_password("ess-demo-2026")
    waiting = Membership.objects.get(status="applied")
    assert waiting.applied_at < timezone.now() - timedelta(days=2)
    assert set(GovernanceRole.objects.values_list("kind", flat=True)) == {
        "president",
        "ambassador",
        "board",
    }


def test_a_malformed_demo_member_is_refused_with_where_and_why(tmp_path):
    broken = tmp_path / "data.toml"
    text = DATA_FILE.read_text(encoding="utf-8")
    broken.write_text(text.replace('competences = ["bpco"]', 'competences = ["bpc0"]'))

    with pytest.raises(DemoDataError, match=r"members\[\]\.competences: unknown 'bpc0'"):
        load(broken)
