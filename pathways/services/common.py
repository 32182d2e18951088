"""What the pathway services share: the pathway's URL, the refusal message of its workflow,
its care circle (who is in it, adding someone), and who answers for its delegated work."""

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _

from ess.roles import Role
from ess.workflow_steps import advance
from pathways.models import (
    CircleMember,
    CircleRole,
    Pathway,
    PathwayTask,
)

# People who may be put in a care circle: the professionals the platform knows by a role.
CIRCLE_ROLES = frozenset({Role.REQUESTER, Role.SPECIALIST, Role.PARAMEDIC, Role.COORDINATOR})


def _url(pathway: Pathway) -> str:
    return reverse("pathways:detail", args=[pathway.public_id])


def _refused(obj, to: str) -> str:
    if isinstance(obj, PathwayTask):
        return _("Action impossible : la tâche « %(task)s » est « %(status)s ».") % {
            "task": obj.label,
            "status": obj.get_status_display(),
        }
    return _("Action impossible : le parcours « %(title)s » est « %(status)s ».") % {
        "title": obj.title,
        "status": obj.get_status_display(),
    }


_advance = partial(advance, refused=_refused)


def _circle_users(pathway: Pathway, roles=None) -> list:
    members = pathway.circle.select_related("user")
    if roles is not None:
        members = members.filter(role__in=roles)
    return [m.user for m in members]


def _member_add(pathway: Pathway, user, role: str, by) -> tuple[CircleMember | None, bool]:
    """Put `user` in the circle with `role` unless they are in it already: their place in it,
    and whether they were added now."""
    if user is None:
        return None, False
    return CircleMember.objects.get_or_create(
        pathway=pathway, user=user, defaults={"role": role, "added_by": by}
    )


def delegating_doctor(pathway: Pathway):
    """Who answers for the delegated work: the pathway's specialist who is a delegating doctor
    of its protocol, else whoever opened it."""
    if pathway.protocol_id:
        doctor = (
            CircleMember.objects.filter(
                pathway=pathway,
                role=CircleRole.SPECIALIST,
                user__protocols_delegating=pathway.protocol_id,
            )
            .select_related("user")
            .order_by("added_at", "pk")
            .first()
        )
        if doctor is not None:
            return doctor.user
    return pathway.opened_by
