"""Reads for the quarterly newsletter: figures, audience, what each person may see."""

from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ess.roles import Role
from events.selectors.figures import upcoming_trainings
from members.models import User
from partners.models import Contact, Convention, ConventionStatus, Partner
from projet_sante.indicators import periods
from projet_sante.indicators.display import masked_count
from projet_sante.indicators.event_figures import event_figures
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
    events = event_figures(period, periods.Filters(), timezone.now())
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
        # Trainings and campaigns of the quarter (exact here; small patient counts are masked
        # when the letter is shown).
        **{code: events[code]["value"] for code in EVENT_FIGURES},
    }


# The indicators of trainings and campaigns the letter keeps, under their codes.
EVENT_FIGURES = (
    "trainings_held",
    "professionals_trained",
    "training_hours",
    "campaigns_active",
    "campaign_people_reached",
    "campaign_screenings",
    "campaign_referrals",
)


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
    if figures.get("trainings_held"):
        hours = number_format(figures.get("training_hours") or 0, 1)
        rows += [
            (_("Formations tenues"), str(figures["trainings_held"])),
            (_("Professionnels formés"), str(figures.get("professionals_trained", 0))),
            (_("Heures de formation dispensées"), _("%(hours)s h") % {"hours": hours}),
        ]
    if figures.get("campaigns_active"):
        rows += [
            (_("Campagnes de santé publique en cours"), str(figures["campaigns_active"])),
            (
                _("Personnes touchées par les campagnes"),
                str(figures.get("campaign_people_reached", 0)),
            ),
            # About patients: masked below the small-count threshold, like every such figure.
            (_("Dépistages réalisés"), masked_count(figures.get("campaign_screenings", 0))),
            (
                _("Orientations issues des campagnes"),
                masked_count(figures.get("campaign_referrals", 0)),
            ),
        ]
    return rows


# ---------------------------------------------------------------------------------------------
# Upcoming trainings ("Prochains événements")
# ---------------------------------------------------------------------------------------------
UPCOMING_LIMIT = 8


def newsletter_upcoming_trainings(now: datetime | None = None) -> list[dict]:
    """The published trainings still to come, soonest first, as the letter keeps them (JSON):
    one query."""
    return [
        {
            "public_id": str(training.public_id),
            "title": training.title,
            "starts_at": training.starts_at.isoformat(),
            "place": training.place,
            "online": bool(training.video_url),
            "places_left": training.places_left,
        }
        for training in upcoming_trainings(now or timezone.now(), limit=UPCOMING_LIMIT)
    ]


def upcoming_rows(figures: dict, base_url: str, now: datetime | None = None) -> list[dict]:
    """The letter's upcoming trainings for the templates, those already started left out: title,
    start, place, places left or the waiting list, and the absolute link to register."""
    now = now or timezone.now()
    base_url = (base_url or "http://localhost").rstrip("/")
    rows = []
    for item in figures.get("upcoming_trainings") or []:
        starts_at = parse_datetime(item["starts_at"])
        if starts_at is None or starts_at <= now:
            continue
        left = item.get("places_left") or 0
        place = item.get("place") or (_("En ligne (visioconférence)") if item.get("online") else "")
        rows.append(
            {
                "title": item["title"],
                "starts_at": timezone.localtime(starts_at),
                "place": place,
                "availability": (
                    ngettext("%(n)s place restante", "%(n)s places restantes", left) % {"n": left}
                    if left
                    else _("Complet : liste d'attente")
                ),
                "url": base_url + reverse("events:detail", kwargs={"public_id": item["public_id"]}),
            }
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
