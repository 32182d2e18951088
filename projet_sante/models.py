"""The app's tables, defined by its three parts; Django loads them from here.

- project: the health-project document (versions, sections, missions and actions, comments,
  annexes, history);
- indicators: targets, quarterly snapshots, generated reports and their transmissions to the
  ARS/CPAM;
- newsletter: the quarterly letter, its deliveries, subscribers and unsubscriptions.
"""

from projet_sante.indicators.models import (
    GeneratedReport,
    IndicatorSnapshot,
    IndicatorTarget,
    Transmission,
    TransmissionRecipient,
)
from projet_sante.newsletter.models import (
    Newsletter,
    NewsletterDelivery,
    Subscriber,
    Unsubscription,
)
from projet_sante.project.models import (
    Action,
    Mission,
    ProjectAnnex,
    ProjectComment,
    ProjectSection,
    ProjectVersion,
    VersionEvent,
    VersionSignature,
)

__all__ = [
    "Action",
    "GeneratedReport",
    "IndicatorSnapshot",
    "IndicatorTarget",
    "Mission",
    "Newsletter",
    "NewsletterDelivery",
    "ProjectAnnex",
    "ProjectComment",
    "ProjectSection",
    "ProjectVersion",
    "Subscriber",
    "Transmission",
    "TransmissionRecipient",
    "Unsubscription",
    "VersionEvent",
    "VersionSignature",
]
