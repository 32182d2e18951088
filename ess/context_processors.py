from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ess.models import Team
from ess.navigation import navigation_for
from ess.notifications import unread_count
from ess.web.refill import take_refused

MASTHEAD_KEY = "ess:team-masthead"


def team_masthead() -> dict | None:
    """What every page shows of the team (its names and contact address), cached: every page
    would otherwise read the team's row. Dropped when the team is saved or deleted."""
    masthead = cache.get(MASTHEAD_KEY)
    if masthead is None:
        team = Team.current()
        masthead = (
            {"name": team.name, "short_name": team.short_name, "email": team.email} if team else {}
        )
        cache.set(MASTHEAD_KEY, masthead, timeout=3600)
    return masthead or None


@receiver([post_save, post_delete], sender=Team, dispatch_uid="ess_team_masthead")
def _team_changed(**kwargs):
    cache.delete(MASTHEAD_KEY)


def platform(request):
    user = getattr(request, "user", None)
    unread = unread_count(user) if user and user.is_authenticated else 0
    return {
        "ess_team": team_masthead(),
        "ess_demo": settings.ESS_DEMO,
        "nav_items": navigation_for(user, request.path, unread=unread) if user else [],
        "unread_notifications": unread,
        "refused_form": take_refused(request),
    }
