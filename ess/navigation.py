"""The main menu: one entry per page, shown to the roles that may use it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from association.permissions import can_manage_association
from ess.permissions import can_invite_users, can_view_audit
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
    # In a long bar, entries of the same group share one drop-down menu (see navigation_for).
    group: str | Promise = ""


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


MANAGEMENT = _("Gestion")
AGENDA = pgettext_lazy("menu", "Agenda")
TRAINING = _("Formation")
NETWORK = _("Réseau")
STEERING = _("Pilotage")
MORE = _("Plus")

# The bar keeps to one line on a laptop's screen (1280 pixels, beside the ESS's name and the
# notifications): about this many characters of labels and of the user's name (their menu),
# counting two more for each entry's margins and two for a drop-down's arrow (see _width).
MAX_BAR_WIDTH = 120


NAVIGATION = (
    NavItem(_("Accueil"), "home", _signed_in),
    NavItem(_("Mes demandes"), "referrals:list", can_submit_referral),
    NavItem(_("Nouvelle demande"), "referrals:create", can_submit_referral),
    NavItem(_("Avis immédiat"), "referrals:immediate", can_submit_referral),
    NavItem(_("Régulation"), "referrals:dashboard", can_triage_referral),
    NavItem(_("Mes dossiers"), "referrals:inbox", can_view_inbox),
    # Care pathways: the professionals of care circles and the coordination (the GP follows
    # theirs on the referral page too); the delegated professional's worklist.
    # "Parcours" is also one pathway elsewhere: the menu's is the list of them.
    NavItem(pgettext_lazy("menu", "Parcours"), "pathways:list", can_list_pathways),
    NavItem(_("Mes tâches"), "pathways:worklist", can_view_worklist),
    NavItem(_("Mes disponibilités"), "scheduling:availability", can_publish_slots, AGENDA),
    # Advanced consultations: planned and booked by the ESS's staff.
    NavItem(
        _("Consultations avancées"), "scheduling:consultations", can_view_consultations, AGENDA
    ),
    # On-call rosters: who answers immediate requests; the ESS's staff read them.
    NavItem(_("Gardes"), "scheduling:on_call", can_view_on_call, AGENDA),
    # Case meetings (télé-RCP): each member of the staff sees those they take part in.
    NavItem(_("Télé-RCP"), "meetings:list", can_view_meetings, AGENDA),
    # Trainings are public; the signed-in reach them (and their registrations) from the bar.
    NavItem(_("Formations"), "events:list", _signed_in, TRAINING),
    # ETP programmes and residents (one entry; each page links the other): kept by the
    # management and the coordination, read by the specialists (who facilitate sessions and
    # host residents).
    NavItem(_("ETP et internes"), "events:etp_list", can_view_activities, TRAINING),
    # Every signed-in professional reads the directory; ARS/CPAM staff do not (they follow the
    # ESS through aggregates, see members/permissions.py) and read the public page like anyone.
    NavItem(_("Annuaire"), "members:directory", can_view_directory, NETWORK),
    # Partner structures and their conventions.
    NavItem(_("Partenaires"), "partners:list", can_view_partners, NETWORK),
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
    NavItem(_("Lettre d'information"), "projet_sante:newsletter_archive", _signed_in, STEERING),
    # Health project: managers, ARS/CPAM and the ESS's staff (validated version).
    NavItem(_("Projet de santé"), "projet_sante:project_home", can_view_project, STEERING),
    NavItem(_("Indicateurs"), "projet_sante:indicators", can_view_indicators, STEERING),
    # Reports sent to the ARS/CPAM: managers all, each authority its institution's.
    NavItem(
        _("Documents transmis"), "projet_sante:transmissions", can_view_transmissions, STEERING
    ),
)


def navigation_for(user, current_path: str = "", *, unread: int = 0) -> list[dict]:
    """Entries for the bar: {"label", "url", "active"}, or a group {"label", "children",
    "active"} whose children are entries.

    A bar too wide for one line (MAX_BAR_WIDTH, with the user's name and the count of `unread`
    notifications beside the bell) groups its entries by their `group`, each group at the place
    of its first entry (a group of one entry stays a plain entry); if it is still too wide, its
    last plain entries go into a last drop-down, "Plus"."""
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
    room = MAX_BAR_WIDTH - len(user.display_name) - (len(str(unread)) + 3 if unread else 0)
    if _width(entries) <= room:
        return entries
    bar = _grouped(visible, entries)
    moved: list[dict] = []  # into "Plus", from the end of the bar
    while _width([*bar, _group(MORE, moved)] if moved else bar) > room:
        plain = [e for e in bar[1:] if "children" not in e]
        if not plain:
            break
        bar.remove(plain[-1])
        moved.insert(0, plain[-1])
    return [*bar, _group(MORE, moved)] if moved else bar


def _group(label, children: list[dict]) -> dict:
    return {"label": label, "children": children, "active": any(c["active"] for c in children)}


def _grouped(visible: list[NavItem], entries: list[dict]) -> list[dict]:
    bar: list[dict] = []
    groups: dict[str, dict] = {}
    for item, entry in zip(visible, entries, strict=True):
        if not item.group:
            bar.append(entry)
        elif str(item.group) in groups:
            groups[str(item.group)]["children"].append(entry)
        else:
            groups[str(item.group)] = {"label": item.group, "children": [entry]}
            bar.append(groups[str(item.group)])
    return [_settled(e) for e in bar]


def _settled(entry: dict) -> dict:
    """A plain entry as it is; a group of one entry, that entry; a group, with its state."""
    if "children" not in entry:
        return entry
    if len(entry["children"]) == 1:
        return entry["children"][0]
    return _group(entry["label"], entry["children"])


def _width(bar: list[dict]) -> int:
    return sum(len(str(e["label"])) + (4 if "children" in e else 2) for e in bar)
