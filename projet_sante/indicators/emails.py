"""Emails of the indicators part: a report sent to the ARS/CPAM, told to the authority users
of each institution it was addressed to (through the outbox, in the sending transaction)."""

from django.conf import settings
from django.urls import reverse

from ess.models import Team
from ess.outbox import email_queue_rendered
from projet_sante.indicators.models import Transmission


def transmission_email(
    transmission: Transmission, *, to: str, institution_label, language: str
) -> None:
    """What was sent, by whom, with the message, and the archive's link (the PDF itself is
    downloaded there, after signing in: never attached to an email)."""
    email_queue_rendered(
        to=to,
        template="report_transmitted",
        context={
            "transmission": transmission,
            "institution": institution_label,
            "team": Team.current(),
            "link": settings.ESS_BASE_URL + reverse("projet_sante:transmissions"),
        },
        html=False,
        language=language,
    )
