"""Emails of the association: the convocation to a general assembly, sent through the outbox in
the transaction that convenes it."""

from django.conf import settings
from django.urls import reverse

from association.models import GeneralAssembly
from ess.models import Team
from ess.outbox import email_queue_rendered, language_of
from members.models import Membership


def convocation_email(assembly: GeneralAssembly, membership: Membership) -> None:
    """The convocation: when, where or how to join, the agenda, and proxies."""
    email_queue_rendered(
        to=membership.email,
        template="assembly_convocation",
        context={
            "assembly": assembly,
            "membership": membership,
            "team": Team.current(),
            "page_link": settings.ESS_BASE_URL
            + reverse("association:assembly_detail", args=[assembly.public_id]),
        },
        html=False,
        language=language_of(membership.user),
    )
