"""Who may do what with the newsletter. One condition per line; roles are named."""

from ess import workflow
from ess.roles import Role, has_role
from projet_sante.newsletter.models import Newsletter, NewsletterStatus


def can_manage_newsletters(user) -> bool:
    """List drafts, edit, preview and send: the ESS's managers."""
    return has_role(user, Role.MANAGER)


def can_view_newsletter(user, newsletter) -> bool:
    """A sent letter is public (aggregates and editorial text only); drafts are managers'."""
    if newsletter.status == "sent":
        return True
    return can_manage_newsletters(user)


def can_send_newsletter(user, newsletter) -> bool:
    """A manager, once the quarter it tells of is over (its figures are complete)."""
    return can_manage_newsletters(user) and newsletter.quarter_over


# The letter's one action a person takes (sending ends by itself), for its page.
ACTIONS = workflow.register(
    Newsletter,
    [workflow.Action("send", to=NewsletterStatus.SENDING, allowed=can_send_newsletter)],
)
