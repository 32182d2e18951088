import pytest
from django.core.management import CommandError, call_command

from ess.demo import DEMO_ACCOUNTS, demo_email
from events.models import Campaign
from meetings.models import CaseMeeting, MeetingCase
from members.demo import EXTRA_MEMBERS
from members.models import Membership, RoleGrant, User
from pathways.models import Pathway, PathwayAlert, PathwayNote, PathwayTask
from pathways.selectors import worklist
from scheduling.models import AvailabilitySlot
from tests.shared_data import between_demo_seeds, reads_shared


def test_seed_demo_refuses_unless_demo_is_on(db, settings):
    settings.ESS_DEMO = False

    with pytest.raises(CommandError, match="ESS_DEMO"):
        call_command("seed_demo")
    assert not User.objects.exists()


@between_demo_seeds
def account_counts():
    return (
        User.objects.count(),
        RoleGrant.objects.count(),
        Membership.objects.count(),
        AvailabilitySlot.objects.count(),
        Pathway.objects.count(),
        PathwayTask.objects.count(),
        MeetingCase.objects.count(),
    )


@reads_shared("demo", "demo_again")
def test_seed_demo_creates_the_documented_accounts_and_is_idempotent(shared_data, settings):
    settings.ESS_DEMO = True
    # `manage.py seed_demo`, the counts taken, then `manage.py seed_demo` again (shared layers).
    counts = shared_data["demo_again"][account_counts]

    assert account_counts() == counts
    assert counts[0] == len(DEMO_ACCOUNTS) + len(EXTRA_MEMBERS)
    for local in (
        "medecin",
        "medecin2",
        "coordination",
        "cardiologue",
        "cardiologue2",
        "direction",
        "ars",
        "cpam",
        "ipa",
    ):
        user = User.objects.get(email=demo_email(local))
        assert user.is_demo
        assert user.check_password("ess-demo-2026")
    for local, institution in (("ars", "ars"), ("cpam", "cpam")):
        authority = User.objects.get(email=demo_email(local))
        assert (authority.roles, authority.institution) == ({"authority"}, institution)
    ipa = User.objects.get(email="ipa@demo.example.org")
    assert (ipa.roles, ipa.profession) == ({"paramedic"}, "ipa")
    assert Membership.objects.get(user=ipa).status == "active"
    # The IPA follows heart-failure pathways under the protocol: results recorded, one alert
    # answered by the cardiologist, one awaiting an answer, tasks still to do in her worklist.
    assert counts[4] == 2
    alerts = PathwayAlert.objects.filter(pathway__circle__user=ipa)
    assert sorted(a.answered_at is None for a in alerts) == [False, True]
    assert any(worklist(ipa).values())
    # A télé-RCP held, its decisions in the cases' timelines; another one to come.
    held = CaseMeeting.objects.get(status="held")
    assert held.cases.filter(decided_at__isnull=False).count() == 2
    assert PathwayNote.objects.filter(kind="rcp_decision").exists()
    assert CaseMeeting.objects.filter(status="planned", cases__isnull=False).exists()
    # The health project's screening action is carried out by the demo's campaign, in both
    # versions.
    screening = Campaign.objects.get(title="Dépistage de la fibrillation atriale")
    assert screening.project_actions.count() == 2
    medecin, medecin2 = (User.objects.get(email=demo_email(x)) for x in ("medecin", "medecin2"))
    assert medecin.organisation != medecin2.organisation


@reads_shared("demo")
def test_seed_demo_adds_a_dozen_members_in_several_specialties_with_slots(shared_data, settings):
    settings.ESS_DEMO = True
    # `manage.py seed_demo` (shared layer).

    active = Membership.objects.filter(status="active")
    assert active.count() >= 12
    assert active.values("specialty").distinct().count() >= 4
    for local in ("cardiologue", "cardiologue2", "direction"):
        membership = active.get(email=demo_email(local))
        assert membership.specialty.code == "cardiologie"
        assert AvailabilitySlot.objects.filter(specialist=membership.user).exists()
    assert Membership.objects.filter(status="applied").exists()
