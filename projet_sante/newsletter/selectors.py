"""Reads for the quarterly newsletter: figures, audience, what each person may see."""

from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ess.roles import Role
from members.models import User
from partners.models import Contact, Convention, ConventionStatus, Partner
from projet_sante.indicators import periods
from projet_sante.newsletter.models import (
    Audience,
    Newsletter,
    NewsletterDelivery,
    NewsletterStatus,
    Subscriber,
    Unsubscription,
)
from projet_sante.newsletter.permissions import can_manage_newsletters
from referrals.booking import advanced_consultation_figures
from referrals.models import Referral, Status

# Roles whose holders are "members" of the ESS for the letter (until members get a Membership).
MEMBER_ROLES = (Role.SPECIALIST, Role.PARAMEDIC)


# ---------------------------------------------------------------------------------------------
# Quarters, as (year, quarter): a letter is one quarter's (Europe/Paris boundaries: a request
# sent at 00:30 on 1 April belongs to Q2)
# ---------------------------------------------------------------------------------------------
def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    """[start, end) of a quarter as aware datetimes, midnight in Paris."""
    period = periods.quarter_period(year, quarter)
    return period.start, period.end


def quarter_of(moment: datetime) -> tuple[int, int]:
    return periods.current_quarter(moment).year_quarter


def previous_quarter(moment: datetime | None = None) -> tuple[int, int]:
    """The quarter that ended last before `moment` (now by default)."""
    return periods.previous_quarter(moment).year_quarter


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------
def newsletter_members() -> QuerySet[User]:
    """Active members of the ESS. Swap for the Membership model when members gets one."""
    return User.objects.filter(is_active=True, role_grants__role__in=MEMBER_ROLES).distinct()


def newsletter_member_count() -> int:
    return newsletter_members().count()


def newsletter_figures(*, year: int, quarter: int) -> dict:
    """The quarter's key figures, computed by the database (aggregates). The letter is public:
    advanced consultations give their sessions and communes, never a count of patients."""
    period = periods.quarter_period(year, quarter)
    start, end, last_day = period.start, period.end, period.last
    # Every request has a due time from its arrival; one withdrawn or sent elsewhere before
    # triage was never to be answered by the ESS.
    due = Q(due_at__isnull=False) & ~Q(
        triaged_at__isnull=True, status__in=[Status.CANCELLED, Status.REORIENTED]
    )
    counts = Referral.objects.filter(submitted_at__gte=start, submitted_at__lt=end).aggregate(
        received=Count("pk"),
        with_due=Count("pk", filter=due),
        within_due=Count("pk", filter=due & Q(answered_at__lte=F("due_at"))),
    )
    share = (
        round(100 * counts["within_due"] / counts["with_due"], 1) if counts["with_due"] else None
    )
    advanced = advanced_consultation_figures(start, end)
    return {
        "requests_received": counts["received"],
        "requests_with_due_time": counts["with_due"],
        "answered_within_due_time": counts["within_due"],
        "answered_within_due_time_pct": share,
        "members": newsletter_member_count(),
        "partners": Partner.objects.count(),
        # Conventions in force on the last day of the quarter (terminated ones left out).
        "conventions_in_force": Convention.objects.filter(
            status__in=[ConventionStatus.ACTIVE, ConventionStatus.EXPIRED],
            effective_on__lte=last_day,
        )
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=last_day))
        .count(),
        "advanced_sessions_held": advanced["sessions_held"],
        "advanced_communes_served": advanced["communes_served"],
    }


def figure_rows(figures: dict) -> list[tuple[str, str]]:
    """(label, value) pairs for the templates, in reading order; unknown keys are skipped."""
    rows = []
    if "requests_received" in figures:
        rows.append((_("Demandes reçues"), str(figures["requests_received"])))
    if figures.get("requests_with_due_time"):
        pct = figures.get("answered_within_due_time_pct")
        value = _("%(pct)s %% (%(n)s sur %(total)s)") % {
            "pct": number_format(pct, 1) if pct is not None else "—",
            "n": figures.get("answered_within_due_time", 0),
            "total": figures["requests_with_due_time"],
        }
        rows.append((_("Réponses dans le délai"), value))
    if "members" in figures:
        rows.append((_("Membres de l'ESS"), str(figures["members"])))
    if "partners" in figures:
        rows.append((_("Partenaires"), str(figures["partners"])))
    if "conventions_in_force" in figures:
        rows.append((_("Conventions en vigueur"), str(figures["conventions_in_force"])))
    if figures.get("advanced_sessions_held"):
        rows.append((_("Séances de consultation avancée"), str(figures["advanced_sessions_held"])))
        rows.append(
            (
                _("Communes desservies en consultation avancée"),
                str(figures.get("advanced_communes_served", 0)),
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Audience
# ---------------------------------------------------------------------------------------------
def newsletter_partner_contact_emails() -> list[str]:
    """Partner contacts who chose to receive the letter."""
    return list(
        Contact.objects.filter(newsletter=True).exclude(email="").values_list("email", flat=True)
    )


def newsletter_audience() -> dict[str, str]:
    """{email: audience} of everyone a letter sent now goes to, each address once, minus every
    address that unsubscribed. Members first: someone both member and subscriber is a member."""
    audience: dict[str, str] = {}
    sources = (
        (Audience.MEMBER, newsletter_members().values_list("email", flat=True)),
        (Audience.PARTNER, newsletter_partner_contact_emails()),
        (
            Audience.SUBSCRIBER,
            Subscriber.objects.filter(confirmed_at__isnull=False).values_list("email", flat=True),
        ),
    )
    for kind, emails in sources:
        for email in emails:
            audience.setdefault(email.strip().lower(), kind)
    suppressed = set(
        Unsubscription.objects.filter(email__in=list(audience)).values_list("email", flat=True)
    )
    return {email: kind for email, kind in audience.items() if email not in suppressed}


# ---------------------------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------------------------
def newsletters_visible_to(user) -> QuerySet[Newsletter]:
    """Managers see every letter; everyone else (anonymous included) the sent ones."""
    newsletters = Newsletter.objects.all()
    if not can_manage_newsletters(user):
        newsletters = newsletters.filter(status=NewsletterStatus.SENT)
    return newsletters.order_by("-year", "-quarter")


def newsletters_with_progress(user) -> QuerySet[Newsletter]:
    return newsletters_visible_to(user).annotate(
        sent_count=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False))
    )


def newsletter_draft_for(user) -> Newsletter | None:
    """The letter being drafted, for those who may manage letters (the managers' to-do)."""
    if not can_manage_newsletters(user):
        return None
    return (
        Newsletter.objects.filter(status=NewsletterStatus.DRAFT)
        .order_by("-year", "-quarter")
        .first()
    )


def newsletters_published(*, limit: int = 3) -> list[Newsletter]:
    """The latest sent letters, public (the archive's head, on the front page)."""
    return list(
        Newsletter.objects.filter(status=NewsletterStatus.SENT).order_by("-year", "-quarter")[
            :limit
        ]
    )


def newsletter_get_for_user(user, public_id) -> Newsletter:
    return get_object_or_404(newsletters_visible_to(user), public_id=public_id)


def newsletter_progress(newsletter: Newsletter) -> dict:
    counts = NewsletterDelivery.objects.filter(newsletter=newsletter).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        skipped=Count("pk", filter=Q(skipped_at__isnull=False)),
    )
    done = counts["done"] = counts["sent"] + counts["skipped"]
    counts["percent"] = round(100 * done / counts["total"]) if counts["total"] else 100
    return counts
