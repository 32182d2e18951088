"""What the health project's services share: the version's row lock, for a transition or for
a manager's change of content, and the notifications to the other side of the review."""

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind
from ess.notifications import Text, notify
from ess.permissions import require
from ess.roles import Role
from members.models import User
from projet_sante.project import permissions as perms
from projet_sante.project.models import ProjectVersion

locked = partial(workflow.locked, ProjectVersion)


def notify_version(version: ProjectVersion, *, recipients, title: Text, by) -> None:
    """Tell the other side of the review, with a link to the version (recorded in this
    transaction, delivered after commit)."""
    notify(
        recipients=recipients,
        kind=NotificationKind.HEALTH_PROJECT,
        title=title,
        url=reverse("projet_sante:project_version", args=[version.public_id]),
        actor=by,
    )


def users_with(role: Role):
    return User.objects.filter(role_grants__role=role, is_active=True).distinct()


def not_editable_reason(version: ProjectVersion) -> str:
    """Why managers cannot change this version's content now ("" when they can)."""
    if version.is_frozen:
        return _(
            "La version %(version)s est validée : elle est figée, aucune modification n'est "
            "possible. Créez une nouvelle version pour faire évoluer le projet."
        ) % {"version": version.label}
    if not version.is_editable:
        return _(
            "La version %(version)s est « %(status)s » : elle n'est pas modifiable tant que "
            "l'ARS et la CPAM ne l'ont pas renvoyée en révision."
        ) % {"version": version.label, "status": version.get_status_display()}
    return ""


def locked_for_edit(version_id: int, by) -> ProjectVersion:
    """The version, locked, for a manager to change its content. Raises PermissionDenied, or
    TransitionNotAllowed when it has left the managers' hands."""
    version = locked(version_id)
    require(perms.can_edit_project(by))
    if reason := not_editable_reason(version):
        raise TransitionNotAllowed(reason)
    return version


def locked_for_change(version_id: int, by) -> ProjectVersion:
    """`locked_for_edit`, and the version is marked changed: a PDF rendered before is stale
    (project/reports.py compares it with `updated_at`)."""
    version = locked_for_edit(version_id, by)
    version.save(update_fields=["updated_at"])
    return version
