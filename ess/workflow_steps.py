"""The last steps of a transition service, written once on top of `ess.workflow`: move the
locked object to its new status, set the fields that change with it (when, why, by whom) and
save them together; the same step asked again by a retried request writes nothing.

    assembly = locked(assembly_id)
    require(perms.can_cancel_assembly(by, assembly))
    reason = required_text(reason, "reason", _("Indiquez le motif de l'annulation."))
    advance(assembly, AssemblyStatus.CANCELLED, by=by, note=reason, cancel_reason=reason)

An app with its own refusal message binds it once: `_advance = partial(advance,
refused=_refused)`.
"""

from collections.abc import Callable

from ess import workflow


def save_status(obj, **changes) -> None:
    """Set the `changes` (field=value) on `obj` and save them with its status (set by
    `workflow.transition`), and its `updated_at` when the model keeps one."""
    for name, value in changes.items():
        setattr(obj, name, value)
    stamp = [f.name for f in obj._meta.concrete_fields if f.name == "updated_at"]
    obj.save(update_fields=["status", *changes, *stamp])


def advance(
    obj: workflow.Stateful,
    to: str,
    *,
    by,
    note: str = "",
    refused: Callable[[workflow.Stateful, str], str] = workflow.refused,
    history: bool = True,
    **changes,
) -> bool:
    """Move `obj` (locked by the caller) to status `to` — the table checked
    (TransitionNotAllowed with `refused`'s message), the history row written unless the model
    keeps none — and save it with the `changes` that go with it. False, with nothing written,
    when `obj` is in status `to` already: the same request again."""
    if obj.status == to:
        return False
    workflow.transition(obj, to=to, by=by, note=note, refused=refused, history=history)
    save_status(obj, **changes)
    return True
