"""The main menu: one entry per page, shown to the roles that may use it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from association.permissions import can_manage_association
from ess.permissions import can_invite_users, can_view_audit
from ess.roles import Role, has_any_role
from events.permissions import can_manage_campaigns, can_manage_events, can_view_activities
from finance.permissions import can_manage_finance
from interop.permissions import can_manage_platforms
from meetings.permissions import can_view_meetings
from members.permissions import (
    can_manage_memberships,
    can_review_registrations,
    can_view_directory,
)
from partners.permissions import can_view_partners
from pathways.permissions import can_list_pathways, can_view_worklist
from projet_sante.indicators.permissions import can_view_indicators, can_view_transmissions
from projet_sante.project.permissions import can_view_project
from referrals.permissions import can_submit_referral, can_triage_referral, can_view_inbox
from scheduling.permissions import (
    can_manage_opening_hours,
    can_publish_slots,
    can_view_consultations,
    can_view_on_call,
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # The permission check of the page's view: the entry is shown to whom the page opens for.
    allowed: Callable[[object], bool]
    # Entries of the same group share one drop-down menu (keeps the bar on one line).
    group: str | Promise = ""


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def _api_reader(user) -> bool:
    # The API documentation is public; it is offered to those the API serves records to (ARS/CPAM
    # staff read aggregates on the indicators page).
    return has_any_role(user, frozenset(Role) - {Role.AUTHORITY})


MANAGEMENT = _("Gestion")


NAVIGATION = (
    NavItem(_("Accueil"), "home", _signed_in),
    NavItem(_("Mes demandes"), "referrals:list", can_submit_referral),
    NavItem(_("Nouvelle demande"), "referrals:create", can_submit_referral),
    NavItem(_("Avis immédiat"), "referrals:immediate", can_submit_referral),
    NavItem(_("Régulation"), "referrals:dashboard", can_triage_referral),
    NavItem(_("Mes dossiers"), "referrals:inbox", can_view_inbox),
    NavItem(_("Partenaires"), "partners:list", can_view_partners),
    # Care pathways: the professionals of care circles and the coordination (the GP follows
    # theirs on the referral page too); the delegated professional's worklist.
    NavItem(_("Parcours"), "pathways:list", can_list_pathways),
    NavItem(_("Mes tâches"), "pathways:worklist", can_view_worklist),
    NavItem(_("Mes disponibilités"), "scheduling:availability", can_publish_slots),
    # Advanced consultations: planned and booked by the ESS's staff.
    NavItem(_("Consultations avancées"), "scheduling:consultations", can_view_consultations),
    # On-call rosters: who answers immediate requests; the ESS's staff read them.
    NavItem(_("Gardes"), "scheduling:on_call", can_view_on_call),
    # Case meetings (télé-RCP): each member of the staff sees those they take part in.
    NavItem(_("Télé-RCP"), "meetings:list", can_view_meetings),
    # Trainings are public; the signed-in reach them (and their registrations) from the bar.
    NavItem(_("Formations"), "events:list", _signed_in),
    # Every signed-in professional reads the directory; ARS/CPAM staff do not (they follow the
    # ESS through aggregates, see members/permissions.py) and read the public page like anyone.
    NavItem(_("Annuaire"), "members:directory", can_view_directory),
    # ETP programmes and residents (one entry; each page links the other): kept by the
    # management and the coordination, read by the specialists (who facilitate sessions and
    # host residents).
    NavItem(_("ETP et internes"), "events:etp_list", can_view_activities),
    NavItem(_("Adhésions"), "members:membership_list", can_manage_memberships, MANAGEMENT),
    # Self-registrations from outside the territory wait for the coordination.
    NavItem(
        _("Inscriptions à valider"),
        "members:registration_list",
        can_review_registrations,
        MANAGEMENT,
    ),
    NavItem(_("Invitations"), "members:invitation_list", can_invite_users, MANAGEMENT),
    # The association: legal identity, general assemblies, membership fees.
    NavItem(_("Vie associative"), "association:home", can_manage_association, MANAGEMENT),
    # Trainings for the territory's professionals: drafts, registrants, attendance.
    NavItem(_("Formations"), "events:manage", can_manage_events, MANAGEMENT),
    # Public-health campaigns: the list is public; the menu offers it to those who run them.
    NavItem(_("Campagnes"), "events:campaign_list", can_manage_campaigns, MANAGEMENT),
    NavItem(
        _("Horaires et fermetures"),
        "scheduling:opening_hours",
        can_manage_opening_hours,
        MANAGEMENT,
    ),
    # Funding, budget, expenses and the specialists' paid time.
    NavItem(_("Budget"), "finance:home", can_manage_finance, MANAGEMENT),
    NavItem(_("Journal d'audit"), "audit_list", can_view_audit, MANAGEMENT),
    # Regional platforms and the SAS connected to the FHIR interface.
    NavItem(_("Plateformes raccordées"), "interop:platforms", can_manage_platforms, MANAGEMENT),
    NavItem(_("Lettre d'information"), "projet_sante:newsletter_archive", _signed_in),
    # Health project: managers, ARS/CPAM and the ESS's staff (validated version).
    NavItem(_("Projet de santé"), "projet_sante:project_home", can_view_project),
    NavItem(_("Indicateurs"), "projet_sante:indicators", can_view_indicators),
    # Reports sent to the ARS/CPAM: managers all, each authority its institution's.
    NavItem(_("Documents transmis"), "projet_sante:transmissions", can_view_transmissions),
    NavItem(_("API"), "api_docs", _api_reader, MANAGEMENT),
)


def navigation_for(user, current_path: str = "") -> list[dict]:
    """Entries for the bar: {"label", "url", "active"}, or a group {"label", "children",
    "active"} whose children are entries."""
    if not user.is_authenticated:
        return []
    visible = [item for item in NAVIGATION if item.allowed(user)]
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
