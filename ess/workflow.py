"""The status workflow, written once for every model that has statuses (referrals, memberships,
conventions, health-project versions, newsletters, advanced-consultation sessions).

A model with a workflow mixes in `Stateful` and names its transition table, the only definition
of what may follow what. Its history is a model inheriting `StatusEvent`, reached through the
reverse name `events`. Its app registers, once, the actions a user may take (`register`): which
status each leads to, from which statuses, and the `can_*` predicate that says who.

A transition service then reads: `locked()` → `require(can_…)` (ess.permissions) →
`transition()` (table checked, history row written, status set) → `save(update_fields=…)` →
notifications recorded in the same transaction (ess.notifications, delivered after commit).
Pages, templates and the API ask `available_actions(user, obj)`, so a button shows exactly when
the service accepts the action.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess.errors import TransitionNotAllowed
from ess.fields import actor_fk


class Stateful:
    """Mixin for a model with a `status` field and a transition table."""

    transitions: ClassVar[Mapping[str, frozenset[str]]]

    def can_become(self, status: str) -> bool:
        return status in self.transitions[self.status]

    @property
    def is_closed(self) -> bool:
        """No status may follow the current one."""
        return not self.transitions[self.status]


def status_field(
    choices: type[models.TextChoices], *, default: str, max_length: int = 20
) -> models.CharField:
    """The `status` column of a model with a workflow: its choices, and the status it starts in."""
    return models.CharField(
        gettext_lazy("statut"), max_length=max_length, choices=choices.choices, default=default
    )


def status_columns(
    choices: type[models.TextChoices], *, max_length: int = 20
) -> tuple[models.CharField, models.CharField]:
    """A history model's `from_status` and `to_status` columns, with its workflow's choices:
    `from_status, to_status = status_columns(TrainingStatus)`."""

    def column() -> models.CharField:
        return models.CharField(max_length=max_length, choices=choices.choices, blank=True)

    return column(), column()


class StatusEvent(models.Model):
    """One line of an object's history: a change of status (from, to), or another event kept
    with them, by whom (empty: a scheduled job or the person applying), when, with which note.

    A subclass adds the foreign key to its object, with related_name="events", names it in
    `subject_field`, and redeclares `from_status`/`to_status` with its status choices
    (`status_columns`)."""

    subject_field: ClassVar[str]

    at = models.DateTimeField(default=timezone.now)
    actor = actor_fk(null=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        subject_id = getattr(self, f"{self.subject_field}_id")
        return f"{subject_id} {self.from_status}→{self.to_status}"


def locked(model: type[models.Model], pk: int):
    """The row, re-read and locked until the end of the transaction (select_for_update)."""
    return model.objects.select_for_update().get(pk=pk)


@dataclass(frozen=True)
class Refusal:
    """An app's message for a refused transition: `message` (translatable) names the object
    with the values `names(obj)` gives, its status (%(status)s) and the action refused
    (%(action)s, `labels[to]`)."""

    message: str
    labels: Mapping[str, str]
    names: Callable[[Stateful], dict]

    def __call__(self, obj: Stateful, to: str) -> str:
        values = {"status": obj.get_status_display(), "action": self.labels[to]}
        return str(self.message) % (self.names(obj) | values)


def refused(obj: Stateful, to: str) -> str:
    """The refusal's message when the app gives none of its own."""
    return _("Action impossible : « %(obj)s » est « %(status)s ».") % {
        "obj": obj,
        "status": obj.get_status_display(),
    }


def transition(
    obj: Stateful,
    *,
    to: str,
    by,
    note: str = "",
    refused: Callable[[Stateful, str], str] = refused,
    history: bool = True,
    **event_fields,
) -> StatusEvent | None:
    """Move `obj` (locked by the caller) to status `to`.

    Raises TransitionNotAllowed (HTTP 409), with the message `refused(obj, to)`, when
    the table has no such transition. Otherwise writes the history row (from, to, actor, note
    and any `event_fields` of the history model) unless the model keeps none
    (`history=False`), and sets `obj.status`; the caller saves the row with the fields it
    changed."""
    if not obj.can_become(to):
        raise TransitionNotAllowed(refused(obj, to))
    event = None
    if history:
        event = obj.events.create(
            actor=by, from_status=obj.status, to_status=to, note=note, **event_fields
        )
    obj.status = to
    return event


def check(obj: Stateful, to: str, *, refused: Callable[[Stateful, str], str] = refused) -> None:
    """Refuse early (TransitionNotAllowed) what `transition` would refuse, before other checks."""
    if not obj.can_become(to):
        raise TransitionNotAllowed(refused(obj, to))


# ---------------------------------------------------------------------------------------------
# Actions: what a user may do now
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    """A named action of a workflow (the name of its POST endpoint and of the API's
    `allowed_actions` entry). It leads to status `to`, from the statuses in `sources` (all those
    the table allows when not given), for the users `allowed(user, obj)` accepts."""

    name: str
    to: str
    allowed: Callable[..., bool]
    sources: frozenset[str] | None = None

    def available(self, user, obj) -> bool:
        if self.sources is not None and obj.status not in self.sources:
            return False
        return obj.can_become(self.to) and bool(self.allowed(user, obj))


_ACTIONS: dict[type, tuple[Action, ...]] = {}


def register(model: type[Stateful], actions: Iterable[Action]) -> tuple[Action, ...]:
    """Declare the actions of a workflow (once, in the app's permissions module)."""
    _ACTIONS[model] = tuple(actions)
    return _ACTIONS[model]


def actions_of(model: type[Stateful]) -> tuple[Action, ...]:
    return _ACTIONS[model]


def actor(check: Callable[..., bool]) -> Callable[..., bool]:
    """An action's `allowed` when only the actor matters: `actor(can_manage_conventions)`."""
    return lambda user, obj: check(user)


def available_actions(user, obj: Stateful) -> list[str]:
    """The names of the actions `user` may take on `obj` now: the transition table allows it
    from the current status and the action's `can_*` predicate says yes. Pages show a button,
    and the API lists an action in `allowed_actions`, exactly for these."""
    if user is None or not user.is_authenticated:
        return []
    return [action.name for action in _ACTIONS[type(obj)] if action.available(user, obj)]
