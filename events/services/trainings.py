"""The trainings' management: create and change a training, publish it, cancel it (its
registrants are told), mark it held. Statuses go through the workflow core (ess.workflow): the
table is models.TRAINING_TRANSITIONS, the history TrainingEvent, the actions registered in
events/permissions.py."""

from datetime import datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import workflow
from ess.errors import Conflict
from ess.permissions import require
from ess.text import required_text
from ess.workflow_steps import advance
from events import emails
from events import permissions as perms
from events.models import RegistrationStatus, Training, TrainingStatus
from events.selectors.manage import speakers_who_may_be_chosen
from events.services.registrations import confirmed_count, promote_waitlist
from members.models import Profession

_refused = workflow.Refusal(
    gettext_lazy(
        "Action impossible : la formation « %(title)s » est « %(status)s » ; %(action)s n'est "
        "plus possible."
    ),
    {
        TrainingStatus.PUBLISHED: gettext_lazy("sa publication"),
        TrainingStatus.HELD: gettext_lazy("son passage à « tenue »"),
        TrainingStatus.CANCELLED: gettext_lazy("son annulation"),
    },
    lambda training: {"title": training.title},
)
_advance = partial(advance, refused=_refused)


def _locked(training_id: int) -> Training:
    return workflow.locked(Training, training_id)


def _clean(
    *,
    title: str,
    kind: str,
    specialty,
    summary: str,
    programme: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    hours: Decimal | None,
    place: str,
    video_url: str,
    capacity: int | None,
    target_professions,
    speakers,
    partners,
) -> tuple[dict, list, list]:
    """The fields checked all at once: every problem is named on its field (ValidationError)."""
    errors: dict[str, str] = {}
    fields = {
        "title": (title or "").strip(),
        "kind": kind,
        "specialty": specialty,
        "summary": (summary or "").strip(),
        "programme": (programme or "").strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "hours": hours,
        "place": (place or "").strip(),
        "video_url": (video_url or "").strip(),
        "capacity": capacity,
        "target_professions": sorted(set(target_professions or [])),
    }
    if not fields["title"]:
        errors["title"] = _("Donnez un intitulé à la formation.")
    if starts_at is None:
        errors["starts_at"] = _("Indiquez le début de la formation.")
    if ends_at is None:
        errors["ends_at"] = _("Indiquez la fin de la formation.")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("La fin de la formation doit venir après son début.")
    if hours is None or hours < Decimal("0.5"):
        errors["hours"] = _("La durée certifiée est d'au moins une demi-heure.")
    if not fields["place"] and not fields["video_url"]:
        errors["place"] = _("Indiquez un lieu ou un lien de visioconférence.")
    if not capacity or capacity < 1:
        errors["capacity"] = _("Prévoyez au moins une place.")
    unknown = set(fields["target_professions"]) - set(Profession.values)
    if unknown:
        errors["target_professions"] = _("Profession inconnue : %(codes)s.") % {
            "codes": ", ".join(sorted(unknown))
        }
    speakers = list(speakers or [])
    allowed = set(
        speakers_who_may_be_chosen()
        .filter(pk__in=[s.pk for s in speakers])
        .values_list("pk", flat=True)
    )
    strangers = [s.display_name for s in speakers if s.pk not in allowed]
    if strangers:
        errors["speakers"] = _(
            "%(names)s ne peut pas intervenir : les intervenants sont des membres de l'ESS ou "
            "ses spécialistes."
        ) % {"names": ", ".join(strangers)}
    if errors:
        raise ValidationError(errors)
    return fields, speakers, list(partners or [])


@transaction.atomic
def training_create(*, by, speakers=(), partners=(), **data) -> Training:
    """A new training, as a draft, organised by `by`. Requires `can_manage_events`
    (PermissionDenied); a ValidationError names every field to correct (no title, end before
    start, a start already past, no place and no video link, no places, a speaker who is not a
    member…)."""
    require(perms.can_manage_events(by))
    fields, speakers, partners = _clean(speakers=speakers, partners=partners, **data)
    if fields["starts_at"] <= timezone.now():
        raise ValidationError(
            {
                "starts_at": _(
                    "Ce début est déjà passé : une formation se crée avant d'avoir lieu, pour être "
                    "publiée."
                )
            }
        )
    training = Training.objects.create(**fields, organiser=by)
    training.speakers.set(speakers)
    training.partners.set(partners)
    return training


# What a registrant needs to come: when one changes on a published training, they are told.
TOLD_FIELDS = ("starts_at", "ends_at", "place", "video_url")


def _to_tell(training: Training):
    """The registrations whose holders are waiting for the training: registered, on the
    waiting list, or still to confirm their address."""
    return training.registrations.filter(
        status__in=[
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITLISTED,
            RegistrationStatus.PENDING,
        ]
    ).select_related("training")


@transaction.atomic
def training_update(*, training_id: int, by, speakers=(), partners=(), **data) -> Training:
    """Change a draft or published training (`can_edit_training`: PermissionDenied; Conflict
    once held or cancelled). Its places may not go below the registrants already confirmed
    (ValidationError); when they go up, the first on the waiting list get the new places. When
    a published training's dates, place or video link change, its registrants get an email with
    the new ones, and the reminder of a moved date is sent again the day before."""
    training = _locked(training_id)
    require(perms.can_manage_events(by))
    if not perms.can_edit_training(by, training):
        raise Conflict(_("Cette formation est tenue ou annulée : elle ne se modifie plus."))
    fields, speakers, partners = _clean(speakers=speakers, partners=partners, **data)
    confirmed = confirmed_count(training)
    if fields["capacity"] < confirmed:
        raise ValidationError(
            {
                "capacity": _(
                    "%(confirmed)s personnes sont déjà inscrites : la formation ne peut pas "
                    "avoir moins de %(confirmed)s places."
                )
                % {"confirmed": confirmed}
            }
        )
    more_places = fields["capacity"] > training.capacity
    before = {name: getattr(training, name) for name in TOLD_FIELDS}
    for name, value in fields.items():
        setattr(training, name, value)
    training.save(update_fields=[*fields, "updated_at"])
    training.speakers.set(speakers)
    training.partners.set(partners)
    if more_places:
        promote_waitlist(training)
    changed = [name for name in TOLD_FIELDS if getattr(training, name) != before[name]]
    if changed and training.status == TrainingStatus.PUBLISHED:
        for registration in _to_tell(training):
            emails.training_changed_email(registration, before=before, changed=changed)
        if "starts_at" in changed:
            _to_tell(training).update(reminded_at=None)
    return training


@transaction.atomic
def training_publish(*, training_id: int, by) -> Training:
    """Open a draft to the public and to registrations (`can_manage_events`: PermissionDenied;
    TransitionNotAllowed once held or cancelled; Conflict when it has already begun,
    `can_publish_training`). Again: no-op."""
    training = _locked(training_id)
    require(perms.can_manage_events(by))
    if training.status == TrainingStatus.PUBLISHED:
        return training
    workflow.check(training, TrainingStatus.PUBLISHED, refused=_refused)
    if not perms.can_publish_training(by, training):
        raise Conflict(_("Cette formation a déjà commencé : elle ne se publie plus."))
    _advance(training, TrainingStatus.PUBLISHED, by=by, published_at=timezone.now())
    return training


@transaction.atomic
def training_cancel(*, training_id: int, by, reason: str) -> Training:
    """Cancel a draft or published training with a reason (`can_cancel_training`:
    PermissionDenied; ValidationError without a reason; TransitionNotAllowed once held). Those
    registered, on the waiting list or still to confirm their address get an email with the
    reason. Again: no-op."""
    training = _locked(training_id)
    require(perms.can_cancel_training(by, training))
    reason = required_text(reason, "reason", _("Indiquez le motif de l'annulation."))
    if not _advance(training, TrainingStatus.CANCELLED, by=by, note=reason, cancel_reason=reason):
        return training
    for registration in _to_tell(training):
        emails.training_cancelled_email(registration)
    return training


@transaction.atomic
def training_hold(*, training_id: int, by) -> Training:
    """Mark a published training held once it has begun (`can_manage_events`:
    PermissionDenied; Conflict before its start; TransitionNotAllowed for a draft or a cancelled
    one). Again: no-op."""
    training = _locked(training_id)
    require(perms.can_manage_events(by))
    if training.status == TrainingStatus.HELD:
        return training
    workflow.check(training, TrainingStatus.HELD, refused=_refused)
    if not perms.can_hold_training(by, training):
        raise Conflict(_("La formation n'a pas encore commencé : elle ne peut pas être tenue."))
    _advance(training, TrainingStatus.HELD, by=by, held_at=timezone.now())
    return training
