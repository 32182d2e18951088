"""The reads behind the front page and the home pages. Each app answers for its own data
(its selectors); this module only puts the answers together, in a fixed number of queries."""

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ess.models import Departement, Team
from ess.roles import Role, has_role
from members.selectors import listed_members_by_specialty, membership_applications
from partners.selectors import conventions_to_renew, partners_under_convention
from pathways.selectors import worklist
from projet_sante.indicators.display import home_indicators
from projet_sante.newsletter.selectors import newsletter_draft_for, newsletters_published
from projet_sante.project.selectors import open_version_for, version_to_sign_for
from referrals.deadlines import counts_opening_hours
from referrals.home import coordinator_home, requester_home, specialist_home
from referrals.models import URGENCY_HELP, Priority
from scheduling.selectors import (
    my_on_call_duties,
    on_call_gaps_to_come,
    on_call_now,
    opening_summary,
    sites_public,
)

SHOWN = 5


# ---------------------------------------------------------------------------------------------
# The public front page
# ---------------------------------------------------------------------------------------------
def delay_label(hours: int) -> str:
    """24 → "24 heures", 168 → "7 jours": how a professional says a response delay."""
    if hours % 24 == 0 and hours > 48:
        days = hours // 24
        return ngettext("%(n)d jour", "%(n)d jours", days) % {"n": days}
    return ngettext("%(n)d heure", "%(n)d heures", hours) % {"n": hours}


def ways_to_ask() -> list[dict]:
    """How a professional sends a request, with an account or without: {"title", "text",
    "links": [(label, href)]}. Pro Santé Connect's address is allauth's for the provider `psc`
    (docs/design.md §8), offered once the platform is registered with it (PSC_CLIENT_ID)."""
    new_referral = reverse("referrals:create")
    email_sign_in = (
        _("Se connecter avec son adresse e-mail"),
        f"{reverse('account_login')}?next={new_referral}",
    )
    if settings.PSC_CLIENT_ID:
        with_account = {
            "text": _(
                "Connectez-vous avec Pro Santé Connect (e-CPS ou carte CPS) ou avec votre "
                "adresse e-mail, puis remplissez le formulaire : il faut environ une minute."
            ),
            "links": [
                (
                    _("Se connecter avec Pro Santé Connect"),
                    f"/accounts/oidc/psc/login/?next={new_referral}",
                ),
                email_sign_in,
            ],
        }
    else:
        with_account = {
            "text": _(
                "Connectez-vous avec votre adresse e-mail, puis remplissez le formulaire : il "
                "faut environ une minute."
            ),
            "links": [email_sign_in],
        }
    return [
        {"title": _("Vous avez un compte"), **with_account},
        {
            "title": _("Vous n'avez pas de compte"),
            "text": _(
                "Envoyez une demande avec votre numéro RPPS (ou ADELI) et votre adresse "
                "e-mail ; elle part à l'ESS dès que vous avez confirmé votre adresse. Vous "
                "pouvez aussi créer votre compte en quelques minutes."
            ),
            "links": [
                (_("Envoyer une demande sans compte"), reverse("referrals:create_without_account")),
                (_("Créer mon compte avec mon RPPS"), "/inscription/"),
            ],
        },
    ]


def front_page() -> dict:
    """The ESS's offer as the platform knows it today: who, where, which specialties with how
    many members and where they consult, response delays, partners, the latest letters.
    Counts and places, no person's name. Nine queries whatever the size of the ESS."""
    team = Team.objects.prefetch_related("specialties").filter(pk=1).first()
    departements = list(
        Departement.objects.filter(team__isnull=False)
        .annotate(communes_count=Count("communes"))
        .order_by("code")
    )
    members = listed_members_by_specialty()
    members_by_code = {row["code"]: row["members"] for row in members}
    sites = sites_public()
    specialties = list(team.specialties.all()) if team else []
    offer = [
        {
            "specialty": specialty,
            "members": members_by_code.get(specialty.code, 0),
            "sites": [s for s in sites if specialty in s.specialties.all()],
        }
        for specialty in specialties
    ]
    delays = settings.ESS_PRIORITY_DELAYS_HOURS
    return {
        "team": team,
        "departements": departements,
        "communes_count": sum(d.communes_count for d in departements),
        "offer": offer,
        "members_count": sum(members_by_code.values()),
        "sites": sites,
        "priorities": [
            (value, URGENCY_HELP[value], delay_label(delays[value]), counts_opening_hours(value))
            for value in Priority.values
        ],
        "opening": opening_summary(timezone.now()),
        "partners": list(partners_under_convention()),
        "newsletters": newsletters_published(),
        "ways": ways_to_ask(),
    }


# ---------------------------------------------------------------------------------------------
# Home pages: one panel per role the person holds
# ---------------------------------------------------------------------------------------------
ROLE_TITLES = {
    Role.REQUESTER: _("Espace demandeur"),
    Role.COORDINATOR: _("Espace coordination"),
    Role.SPECIALIST: _("Espace spécialiste"),
    Role.PARAMEDIC: _("Espace paramédical"),
    Role.MANAGER: _("Espace direction"),
    Role.AUTHORITY: _("Espace ARS / CPAM"),
}


def manager_home(user) -> dict:
    """The ESS's to-do across its modules: applications to decide, conventions to renew, the
    health-project version in progress, the newsletter draft, on-call shifts nobody covers in
    the coming days. Seven queries."""
    renewals = conventions_to_renew(user)
    gaps = on_call_gaps_to_come()
    return {
        "applications_count": membership_applications(user).count(),
        "renewals": list(renewals[:SHOWN]),
        "renewals_count": renewals.count(),
        "version": open_version_for(user),
        "newsletter": newsletter_draft_for(user),
        "on_call_gaps": list(gaps[:SHOWN]),
        "on_call_gaps_count": gaps.count(),
    }


def coordinator_panel(user) -> dict:
    """The queue at a glance (referrals.home), and who is on call now in each specialty."""
    return {**coordinator_home(user), "on_call_now": on_call_now(timezone.now())}


def specialist_panel(user) -> dict:
    """Their cases (referrals.home), and their current or next on-call duty."""
    duties = my_on_call_duties(user, limit=1)
    return {**specialist_home(user), "next_duty": duties[0] if duties else None}


def paramedic_panel(user) -> dict:
    """The delegated work at a glance: the worklist's late, today's and this week's tasks (one
    query)."""
    lists = worklist(user)
    return {
        "late": lists["late"],
        "today": lists["today"],
        "week_count": len(lists["week"]),
    }


def authority_home(user) -> dict:
    """The last closed quarter's headline figures, and the health-project version awaiting
    the ARS's and the CPAM's signatures."""
    return {**home_indicators(user), **version_to_sign_for(user)}


_PANELS = {
    Role.REQUESTER: requester_home,
    Role.COORDINATOR: coordinator_panel,
    Role.SPECIALIST: specialist_panel,
    Role.PARAMEDIC: paramedic_panel,
    Role.MANAGER: manager_home,
    Role.AUTHORITY: authority_home,
}


def home_panels(user) -> list[dict]:
    """[{"role", "title", "data"}] for each role `user` holds, in the roles' order."""
    return [
        {
            "role": role,
            "title": ROLE_TITLES[role],
            "data": _PANELS[role](user) if role in _PANELS else {},
        }
        for role in Role
        if has_role(user, role)
    ]
