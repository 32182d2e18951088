"""Who may do what with the newsletter. One condition per line; roles are named."""

from ess.roles import Role, has_role


def can_manage_newsletters(user) -> bool:
    """List drafts, edit, preview and send: the ESS's managers."""
    return has_role(user, Role.MANAGER)


def can_view_newsletter(user, newsletter) -> bool:
    """A sent letter is public (aggregates and editorial text only); drafts are managers'."""
    if newsletter.status == "sent":
        return True
    return can_manage_newsletters(user)


# --- Indicators and reports -----------------------------------------------------------------------
def can_view_indicators(user) -> bool:
    """The dashboard, its CSV and the API: the ESS's managers, and ARS/CPAM staff (aggregates
    only, small counts masked)."""
    if has_role(user, Role.MANAGER):
        return True
    return has_role(user, Role.AUTHORITY)


def can_edit_indicator_targets(user) -> bool:
    """Targets are set in the health project, by the ESS's managers."""
    return has_role(user, Role.MANAGER)


def can_download_reports(user) -> bool:
    """Generated PDF reports (quarterly report, health project): managers and authority."""
    if has_role(user, Role.MANAGER):
        return True
    return has_role(user, Role.AUTHORITY)
