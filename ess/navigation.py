"""The main menu: one entry per page, shown to the roles that may use it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ess.roles import Role
from members.permissions import DIRECTORY_ROLES


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


NAVIGATION = (
    NavItem(_("Accueil"), "home", frozenset(Role)),
    NavItem(_("Mes demandes"), "referrals:list", frozenset({Role.REQUESTER})),
    NavItem(_("Nouvelle demande"), "referrals:create", frozenset({Role.REQUESTER})),
    NavItem(_("Régulation"), "referrals:dashboard", frozenset({Role.COORDINATOR})),
    NavItem(_("Mes dossiers"), "referrals:inbox", frozenset({Role.SPECIALIST})),
    NavItem(
        _("Partenaires"),
        "partners:list",
        frozenset(
            {Role.MANAGER, Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC, Role.AUTHORITY}
        ),
    ),
    NavItem(_("Mes disponibilités"), "members:availability", frozenset({Role.SPECIALIST})),
    # Every signed-in professional reads the directory; ARS/CPAM staff do not (they follow the
    # ESS through aggregates, see members/permissions.py) and read the public page like anyone.
    NavItem(_("Annuaire"), "members:directory", DIRECTORY_ROLES),
    NavItem(_("Adhésions"), "members:membership_list", frozenset({Role.MANAGER})),
    NavItem(_("Invitations"), "members:invitation_list", frozenset({Role.MANAGER})),
    NavItem(_("Journal d'audit"), "audit_list", frozenset({Role.MANAGER})),
    NavItem(_("Lettre d'information"), "projet_sante:newsletter_archive", frozenset(Role)),
    NavItem(_("API"), "api_docs", frozenset(Role) - {Role.AUTHORITY}),
)


def navigation_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    items = [
        {"label": item.label, "url": reverse(item.url_name), "active": False}
        for item in NAVIGATION
        if user.roles & item.roles
    ]
    # The entry whose URL is the longest prefix of the current path is the active one.
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
