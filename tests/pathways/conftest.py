"""A heart-failure protocol in force, its people, and a referral its cardiologist answered."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from pathways import services
from tests.factories import (
    ProtocolFactory,
    ReferralFactory,
    UserFactory,
    heart_failure_plan,
)


@dataclass
class Scene:
    gp: object
    cardiologist: object
    ipa: object
    protocol: object
    referral: object

    def open(self, **kwargs):
        fields = {
            "by": self.cardiologist,
            "referral": self.referral,
            "title": "Suivi IPA selon le protocole IC",
            "protocol": self.protocol,
            "delegate": self.ipa,
        }
        return services.pathway_open(**(fields | kwargs))


@pytest.fixture
def scene(db):
    gp = UserFactory(requester=True)
    cardiologist = UserFactory(specialist=True)
    ipa = UserFactory(paramedic=True)
    protocol = ProtocolFactory(delegating_doctors=[cardiologist], delegates=[ipa])
    heart_failure_plan(protocol)
    referral = ReferralFactory(
        requester=gp,
        status="completed",
        specialist=cardiologist,
        answer="Insuffisance cardiaque : suivi IPA selon protocole IC.",
        completed_at=timezone.now(),
    )
    return Scene(gp, cardiologist, ipa, protocol, referral)
