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
    # Entries of the same group share one drop-down menu (keeps the bar on one line).
    group: str | Promise = ""


MANAGEMENT = _("Gestion")


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
    NavItem(_("Mes disponibilités"), "scheduling:availability", frozenset({Role.SPECIALIST})),
    # Advanced consultations: planned and booked by the ESS's staff.
    NavItem(
        _("Consultations avancées"),
        "scheduling:consultations",
        frozenset({Role.MANAGER, Role.COORDINATOR, Role.SPECIALIST}),
    ),
    # Every signed-in professional reads the directory; ARS/CPAM staff do not (they follow the
    # ESS through aggregates, see members/permissions.py) and read the public page like anyone.
    NavItem(_("Annuaire"), "members:directory", DIRECTORY_ROLES),
    NavItem(_("Adhésions"), "members:membership_list", frozenset({Role.MANAGER}), MANAGEMENT),
    NavItem(_("Invitations"), "members:invitation_list", frozenset({Role.MANAGER}), MANAGEMENT),
    NavItem(_("Journal d'audit"), "audit_list", frozenset({Role.MANAGER}), MANAGEMENT),
    NavItem(_("Lettre d'information"), "projet_sante:newsletter_archive", frozenset(Role)),
    # Health project: managers, ARS/CPAM and the ESS's staff (validated version).
    NavItem(
        _("Projet de santé"),
        "projet_sante:project_home",
        frozenset(
            {Role.MANAGER, Role.AUTHORITY, Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC}
        ),
    ),
    NavItem(_("Indicateurs"), "projet_sante:indicators", frozenset({Role.MANAGER, Role.AUTHORITY})),
    NavItem(_("API"), "api_docs", frozenset(Role) - {Role.AUTHORITY}, MANAGEMENT),
)


def navigation_for(user, current_path: str = "") -> list[dict]:
    """Entries for the bar: {"label", "url", "active"}, or a group {"label", "children",
    "active"} whose children are entries."""
    if not user.is_authenticated:
        return []
    visible = [item for item in NAVIGATION if user.roles & item.roles]
    entries = [{"label": i.label, "url": reverse(i.url_name), "active": False} for i in visible]
    # The entry whose URL is the longest prefix of the current path is the active one.
    matches = [
        e
        for e in entries
        if current_path == e["url"] or (e["url"] != "/" and current_path.startswith(e["url"]))
    ]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    bar: list[dict] = []
    groups: dict[str, dict] = {}
    for item, entry in zip(visible, entries, strict=True):
        if not item.group:
            bar.append(entry)
            continue
        if str(item.group) not in groups:
            groups[str(item.group)] = {"label": item.group, "children": [], "active": False}
            bar.append(groups[str(item.group)])
        group = groups[str(item.group)]
        group["children"].append(entry)
        group["active"] = group["active"] or entry["active"]
    return bar
