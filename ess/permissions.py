"""Who may do what in the core. One condition per line; roles are named, never ranked."""

from ess.roles import Role, has_role


def can_view_audit(user) -> bool:
    return has_role(user, Role.MANAGER)


def can_invite_users(user) -> bool:
    return has_role(user, Role.MANAGER)
