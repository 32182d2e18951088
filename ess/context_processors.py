from django.conf import settings

from ess.models import Team
from ess.navigation import navigation_for
from ess.notifications import unread_count


def platform(request):
    user = getattr(request, "user", None)
    return {
        "ess_team": Team.current(),
        "ess_demo": settings.ESS_DEMO,
        "nav_items": navigation_for(user, request.path) if user is not None else [],
        "unread_notifications": unread_count(user) if user and user.is_authenticated else 0,
    }
