"""Who may do what with the platforms connected to the FHIR interface. One condition per line."""

from ess.roles import Role, has_role


def can_manage_platforms(user) -> bool:
    return has_role(user, Role.MANAGER)
