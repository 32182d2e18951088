from django.db.models import QuerySet

from ess.permissions import can_invite_users
from members.models import Invitation


def invitations_visible_to(user) -> QuerySet[Invitation]:
    """Managers see every invitation; nobody else sees any."""
    if can_invite_users(user):
        return Invitation.objects.select_related("organisation", "invited_by", "user")
    return Invitation.objects.none()
