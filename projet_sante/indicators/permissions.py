"""Who may see the indicators and the generated reports. One condition per line; roles are
named."""

from ess.roles import Role, has_any_role, has_role

# The ESS's managers and ARS/CPAM staff (the latter see aggregates only, small counts masked).
READER_ROLES = frozenset({Role.MANAGER, Role.AUTHORITY})


def can_view_indicators(user) -> bool:
    """The dashboard, its CSV and the API."""
    return has_any_role(user, READER_ROLES)


def can_edit_indicator_targets(user) -> bool:
    """Targets are set in the health project, by the ESS's managers."""
    return has_role(user, Role.MANAGER)


def can_download_reports(user) -> bool:
    """Generated PDF reports (quarterly report, health project)."""
    return has_any_role(user, READER_ROLES)


def can_view_transmissions(user) -> bool:
    """The archive of reports sent to the ARS/CPAM: managers see every one, authority users
    those addressed to their institution (selectors in transmissions.py)."""
    return has_any_role(user, READER_ROLES)


def can_transmit_reports(user) -> bool:
    """Send a report to the ARS and/or the CPAM: the ESS's managers."""
    return has_role(user, Role.MANAGER)
