"""Who may do what in the core. One condition per line; roles are named, never ranked."""

from django.core.exceptions import PermissionDenied

from ess.roles import Role, has_role


def require(allowed: bool) -> None:
    """The actor check of a service or a page: PermissionDenied (HTTP 403) unless `allowed`."""
    if not allowed:
        raise PermissionDenied


def can_view_audit(user) -> bool:
    return has_role(user, Role.MANAGER)


def can_invite_users(user) -> bool:
    return has_role(user, Role.MANAGER)
