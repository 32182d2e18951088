"""A télé-RCP in cardiology: organised by a cardiologist, with a GP's referral he holds and a
heart-failure pathway whose care circle he is in."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from meetings import services
from pathways.models import CircleRole
from tests.factories import PathwayFactory, ReferralFactory, UserFactory, cardiology


@dataclass
class Scene:
    organiser: object  # a cardiologist
    gp: object  # the referral's requester, and the pathway's GP
    referral: object
    pathway: object

    def meeting(self, *, starts_at=None, **kwargs):
        """A meeting planned for `starts_at` (in three days unless told); one already begun was
        planned the day before it, as a meeting is planned ahead."""
        starts_at = starts_at or timezone.now() + timedelta(days=3)
        fields = {
            "by": self.organiser,
            "title": "RCP insuffisance cardiaque",
            "starts_at": starts_at,
            "specialty": cardiology(),
            "video_url": "https://visio.exemple.fr/rcp-ic",
        }
        if starts_at > timezone.now():
            return services.meeting_create(**(fields | kwargs))
        with time_machine.travel(starts_at - timedelta(days=1)):
            return services.meeting_create(**(fields | kwargs))

    def held_meeting_with_cases(self):
        """A meeting that began an hour ago, with the referral and the pathway on its agenda."""
        meeting = self.meeting(starts_at=timezone.now() - timedelta(hours=1))
        on_referral = services.meeting_case_add(
            meeting_id=meeting.pk,
            by=self.organiser,
            question="Faut-il introduire un ARNI ?",
            referral_public_id=self.referral.public_id,
        )
        on_pathway = services.meeting_case_add(
            meeting_id=meeting.pk,
            by=self.organiser,
            question="Titration des bêtabloquants à poursuivre ?",
            pathway_public_id=self.pathway.public_id,
        )
        return meeting, on_referral, on_pathway


@pytest.fixture
def scene(db):
    organiser = UserFactory(specialist=True)
    gp = UserFactory(requester=True)
    referral = ReferralFactory(
        triaged=True, requester=gp, specialist=organiser, status="accepted", offered_to_pool=False
    )
    pathway = PathwayFactory(
        circle=[(gp, CircleRole.GP), (organiser, CircleRole.SPECIALIST)],
    )
    return Scene(organiser=organiser, gp=gp, referral=referral, pathway=pathway)
