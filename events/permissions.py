"""Who may do what with trainings, campaigns, ETP programmes and residents. Actor checks only:
the transition tables (models.TRAINING_TRANSITIONS, REGISTRATION_TRANSITIONS) decide what a status
allows. One condition per line; roles are named.

Published trainings are public (anyone may read them and register); the rest is the business of
the ESS's management and coordination, and of a training's speakers for its attendance."""

from ess.roles import Role, has_any_role

# Who runs the ESS's events: the direction and the coordination.
EVENT_MANAGER_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR})


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def can_manage_events(user) -> bool:
    """Create, edit, publish and cancel trainings; record campaigns, ETP sessions and
    residents' placements."""
    return has_any_role(user, EVENT_MANAGER_ROLES)


def can_manage_campaigns(user) -> bool:
    """Create and change campaigns, record their actions, see those not shown publicly and
    export their figures."""
    return can_manage_events(user)


def can_view_campaign(user, campaign) -> bool:
    """A campaign shown publicly is anyone's to read; the others are the managers'."""
    if campaign.is_public:
        return True
    return can_manage_campaigns(user)
