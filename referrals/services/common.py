"""What the referral services share: the lock, the transition and its refusal, freeing the
place booked for a case, closing it, storing checked files.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.permissions import require
from ess.uploads import CheckedFile
from referrals.models import (
    Attachment,
    Referral,
    ReferralEvent,
    Status,
)
from scheduling import services as scheduling

ACTION_LABELS = {
    Status.SUBMITTED: gettext_lazy("compléter"),
    Status.INFO_REQUESTED: gettext_lazy("demander un complément"),
    Status.TRIAGED: gettext_lazy("réguler"),
    Status.ACCEPTED: gettext_lazy("prendre en charge"),
    Status.SCHEDULED: gettext_lazy("fixer un rendez-vous"),
    Status.COMPLETED: gettext_lazy("clore avec une réponse"),
    Status.REORIENTED: gettext_lazy("réorienter"),
    Status.CANCELLED: gettext_lazy("annuler"),
}


def _save(referral: Referral, **changes) -> None:
    """Set the `changes` on the referral and save them with its status (set by _transition)."""
    for name, value in changes.items():
        setattr(referral, name, value)
    referral.save(update_fields=["status", *changes, "updated_at"])


def _locked(referral_id: int) -> Referral:
    return workflow.locked(Referral, referral_id)


def _locked_for(referral_id: int, by, can) -> Referral:
    """The referral, locked, once `can(by, referral)` lets `by` act (PermissionDenied if not)."""
    referral = _locked(referral_id)
    require(can(by, referral))
    return referral


_refused = workflow.Refusal(
    gettext_lazy(
        "Action impossible : la demande %(ref)s est « %(status)s », on ne peut plus la %(action)s."
    ),
    ACTION_LABELS,
    lambda referral: {"ref": referral.reference},
)


def _refuse(referral: Referral, to: str) -> TransitionNotAllowed:
    return TransitionNotAllowed(_refused(referral, to))


def _transition(
    referral: Referral, *, to: str, by, at: datetime | None = None, **event
) -> ReferralEvent:
    return workflow.transition(
        referral, to=to, by=by, refused=_refused, at=at or timezone.now(), **event
    )


def _release_slot(referral: Referral) -> None:
    """The specialist's slot (or the advanced-consultation place) booked for this case is free
    for another patient. Called inside a transition that holds the referral's row lock, so the
    slot or session is locked second (lock order: scheduling/services/__init__.py)."""
    scheduling.booking_release_for_referral(referral_id=referral.pk)
    if scheduling.appointment_release_for_referral(referral_id=referral.pk):
        referral.appointment_at = None
        referral.appointment_location = ""
        Referral.objects.filter(pk=referral.pk).update(appointment_at=None, appointment_location="")


def _close(referral: Referral, *, reason: str, **changes) -> None:
    """Save a referral that leaves the ESS's hands (reoriented, cancelled): why, when, no offer,
    no slot held."""
    _release_slot(referral)
    _save(
        referral,
        closing_reason=reason,
        closed_at=timezone.now(),
        offered_to=None,
        offered_to_pool=False,
        **changes,
    )


def _store_files(
    *, referral: Referral, files: list[CheckedFile], by, message=None, is_report: bool = False
) -> list[Attachment]:
    stored = []
    for checked in files:
        attachment = Attachment(
            referral=referral,
            message=message,
            uploaded_by=by,
            is_report=is_report,
        )
        attachment.keep(checked)
        attachment.save()
        stored.append(attachment)
    return stored


def _stored_bytes(referral_id: int) -> int:
    from django.db.models import Sum

    return Attachment.objects.filter(referral_id=referral_id).aggregate(t=Sum("size"))["t"] or 0
