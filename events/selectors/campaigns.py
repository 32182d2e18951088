"""Reads of the public-health campaigns: who sees which campaign, the list (current and past,
with their totals), a campaign's page (its actions, its totals, the health-project actions it
carries out) and its export.

A campaign shown publicly is anyone's to read; the others are the managers' and coordinators'
(events.permissions.can_view_campaign is the same rule for one campaign)."""

from django.db.models import Max, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ess.models import Commune
from events.models import Campaign, CampaignAction
from events.permissions import can_manage_campaigns

# The counts a campaign's actions add up, by the name the pages and the export use.
TOTALS = {
    "people_reached": "people_reached",
    "screenings_done": "screenings_done",
    "referrals_generated": "referrals_generated",
}


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """The only definition of who sees which campaign: the public ones for anyone, every one
    for the managers and coordinators."""
    if can_manage_campaigns(user):
        return Campaign.objects.all()
    return Campaign.objects.filter(is_public=True)


def campaign_get_for_user(user, public_id) -> Campaign:
    """The campaign, or a 404 alike for "does not exist" and "not shown to you"."""
    return get_object_or_404(
        campaigns_visible_to(user).select_related("specialty", "lead"), public_id=public_id
    )


def campaign_action_get_for_user(user, campaign_public_id, action_public_id) -> CampaignAction:
    """One action of a campaign, for those who record them (a 404 for anyone else, and for an
    action of another campaign)."""
    actions = CampaignAction.objects.select_related("campaign")
    if not can_manage_campaigns(user):
        actions = actions.none()
    return get_object_or_404(
        actions,
        campaign__public_id=campaign_public_id,
        public_id=action_public_id,
    )


def _with_territory(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return qs.select_related("specialty").prefetch_related(
        Prefetch("communes", queryset=Commune.objects.order_by("name")),
        "departements",
        "partners",
    )


def _with_totals(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Each campaign with the sums of its actions' counts (0 without any), added up by the
    database."""
    return qs.annotate(
        **{
            f"total_{name}": Coalesce(Sum(f"actions__{column}"), 0)
            for name, column in TOTALS.items()
        }
    )


def campaign_list(user, *, today=None) -> dict[str, QuerySet[Campaign]]:
    """The campaigns the user sees, with their territory and totals: those under way or to
    come (soonest first) and the past ones (latest first). A constant number of queries."""
    today = today or timezone.localdate()
    base = _with_territory(_with_totals(campaigns_visible_to(user)))
    return {
        "current": base.filter(ends_on__gte=today).order_by("starts_on", "pk"),
        "past": base.filter(ends_on__lt=today).order_by("-ends_on", "pk"),
    }


def campaign_detail(campaign: Campaign) -> Campaign:
    """The campaign read again with its territory and partners."""
    return _with_territory(Campaign.objects.all()).get(pk=campaign.pk)


def campaign_totals(campaign: Campaign) -> dict[str, int]:
    """The campaign's totals (people reached, screenings done, referrals generated), summed by
    the database over its actions."""
    return campaign.actions.aggregate(
        **{name: Coalesce(Sum(column), 0) for name, column in TOTALS.items()}
    )


def campaign_actions(campaign: Campaign) -> QuerySet[CampaignAction]:
    """The campaign's actions in the order they were held."""
    return campaign.actions.select_related("recorded_by").order_by("held_on", "pk")


def campaign_project_actions(user, campaign: Campaign) -> list:
    """The health project's actions the campaign carries out (`Action.campaigns`, read through
    its reverse accessor): those of the latest validated version for anyone (each version
    carries its own copy of an action); the managers see those of every version, the versions
    still being written included, each with its version."""
    actions = campaign.project_actions.select_related("mission__version").order_by(
        "-mission__version__number", "mission__position", "position", "pk"
    )
    if not can_manage_campaigns(user):
        validated = actions.filter(mission__version__status="validated")
        latest = validated.aggregate(number=Max("mission__version__number"))["number"]
        actions = validated.filter(mission__version__number=latest)
    return list(actions)
