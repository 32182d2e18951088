"""Plays the demo stories through the referral services, each step at its own moment: the
clock is moved there (time-machine) so that every row the services write (statuses, history,
due and escalation times, messages, télé-expertise acts, notifications and their emails) is
dated as if a real user had acted then (ess.demo_data.demo_clock)."""

from datetime import datetime

from ess.demo_data import demo_clock, demo_past_settled
from referrals import services
from referrals.demo.story import Story
from referrals.services import ReferralInput

# What the requester types into the referral form, as the scenario has it.
SUBMITTED = (
    "patient",
    "specialty",
    "question",
    "context",
    "urgency",
    "preferred_response",
    "callback_availability",
)

SERVICES = {
    "request_info": services.referral_request_info,
    "provide_info": services.referral_provide_info,
    "note": services.referral_add_note,
    "triage": services.referral_triage,
    "decline": services.referral_decline,
    "accept": services.referral_accept,
    "schedule": services.referral_schedule,
    "complete": services.referral_complete,
    "reorient": services.referral_reorient,
    "cancel": services.referral_cancel,
    "message": services.message_post,
    "feedback": services.referral_feedback,
}


def replay(stories: list[Story], *, now: datetime) -> None:
    """All the stories' steps in the order they happened (references then follow the
    calendar), then the SLA escalation the periodic task would have run by `now`. The emails
    of that past count as delivered then, and what people were told more than a week ago as
    read."""
    steps = sorted(
        (step.at, n, story, step) for n, story in enumerate(stories) for step in story.steps
    )
    if not steps:
        return
    with demo_clock() as travel:
        for at, _n, story, step in steps:
            travel(at)
            if step.action == "submit":
                story.referral_id = _submit(story)
            else:
                SERVICES[step.action](referral_id=story.referral_id, by=step.by, **step.args)
    services.referrals_escalate(now=now)
    demo_past_settled(before=now)


def _submit(story: Story) -> int:
    s = story.scenario
    data = ReferralInput(consent=True, **{name: getattr(s, name) for name in SUBMITTED})
    referral, _created = services.referral_submit(by=s.requester, data=data)
    return referral.pk
