"""Registrations to a training: a signed-in professional in one click, anyone else by confirming
their email address; places given in order, then the waiting list; a cancellation hands the place
to the first on the list; the reminder the day before.

Lock order, always: the training's row, then its registrations' rows. Places are counted under
the training's lock, so two people registering at once never both get the last place, and a
second registration of the same person is refused before the database's unique constraints
would be."""

from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.validators import validate_rpps
from ess.workflow import locked, transition
from events import emails
from events.models import (
    ACTIVE_REGISTRATION,
    Registration,
    RegistrationStatus,
    Training,
    TrainingStatus,
)

# Reminders a run sends at most; the next run takes the rest.
REMINDER_BATCH = 500


def _refused(registration: Registration, to: str) -> str:
    return _("Cette inscription est « %(status)s » : action impossible.") % {
        "status": registration.get_status_display()
    }


# A registration keeps no history of its statuses: the dates on its row tell it.
_transition = partial(transition, refused=_refused, history=False)


def _open_training(training_id: int) -> Training:
    """The training, locked; refuses (ValidationError) when it takes no registration."""
    training = locked(Training, training_id)
    if training.status != TrainingStatus.PUBLISHED or training.starts_at <= timezone.now():
        raise ValidationError(_("Les inscriptions à cette formation sont closes."))
    return training


def confirmed_count(training: Training) -> int:
    return training.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _allocate(training: Training, registration: Registration, *, by) -> None:
    """A place while there is one, else the end of the waiting list (training locked)."""
    now = timezone.now()
    if confirmed_count(training) < training.capacity:
        _transition(registration, to=RegistrationStatus.CONFIRMED, by=by)
        registration.confirmed_at = now
    else:
        _transition(registration, to=RegistrationStatus.WAITLISTED, by=by)
        registration.waitlisted_at = now


def _already_registered(training: Training, *, email: str, user) -> bool:
    active = training.registrations.filter(ACTIVE_REGISTRATION)
    if user is not None and active.filter(user=user).exists():
        return True
    return active.filter(email=email).exists()


@transaction.atomic
def registration_create(
    *,
    training_id: int,
    by=None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    profession: str = "",
    rpps: str = "",
    organisation: str = "",
) -> Registration:
    """Register to a published training that has not started.

    Signed in (`by`): the name, email, profession, RPPS and organisation come from the account,
    and the registration gets a place, or a rank on the waiting list, at once (and an email
    saying which). Without an account: the details given (RPPS checked when given), status
    pending, and an email with the link that confirms the address.

    Raises ValidationError (nothing written) when registrations are closed, when the person
    (same account or same email) already has an active registration, or on a bad RPPS."""
    training = _open_training(training_id)
    user = by if by is not None and by.is_authenticated else None
    if user is not None:
        email = user.email
        first_name, last_name = user.first_name, user.last_name
        profession, rpps = user.profession, user.rpps
        organisation = user.organisation.name if user.organisation_id else ""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Indiquez votre adresse électronique.")})
    rpps = (rpps or "").strip()
    if rpps and user is None:
        validate_rpps(rpps)
    if _already_registered(training, email=email, user=user):
        raise ValidationError(
            _(
                "Vous êtes déjà inscrit·e à cette formation (ou votre inscription attend la "
                "confirmation de votre adresse électronique) : rien n'a été modifié."
            )
        )
    registration = Registration(
        training=training,
        user=user,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        profession=profession,
        rpps=rpps,
        organisation=organisation.strip(),
        status=RegistrationStatus.PENDING,
    )
    if user is None:
        registration.save()
        emails.confirmation_email(registration)
        return registration
    _allocate(training, registration, by=user)
    registration.save()
    emails.registered_email(registration)
    return registration


@transaction.atomic
def registration_confirm(*, registration_id: int) -> Registration:
    """The holder of the emailed link confirms their address: a place, or the waiting list.

    Confirming again is a no-op. Raises ValidationError when the registration was cancelled or
    the training takes no registration any more."""
    training_id = Registration.objects.values_list("training_id", flat=True).get(pk=registration_id)
    training = locked(Training, training_id)
    registration = locked(Registration, registration_id)
    if registration.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        return registration  # a retried request
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("Cette inscription a été annulée : inscrivez-vous à nouveau."))
    if training.status != TrainingStatus.PUBLISHED or training.starts_at <= timezone.now():
        raise ValidationError(_("Les inscriptions à cette formation sont closes."))
    _allocate(training, registration, by=None)
    registration.save(update_fields=["status", "confirmed_at", "waitlisted_at"])
    emails.registered_email(registration)
    return registration


@transaction.atomic
def registration_cancel(*, registration_id: int, by=None) -> Registration:
    """The registrant gives up their registration (`by`: their account, or None for the holder
    of the emailed link; the caller has checked they may). A place it held goes to the first
    on the waiting list, in the same transaction, who is told by email.

    Cancelling again is a no-op. Raises ValidationError once the training has started or is
    over."""
    training_id = Registration.objects.values_list("training_id", flat=True).get(pk=registration_id)
    training = locked(Training, training_id)
    registration = locked(Registration, registration_id)
    if registration.status == RegistrationStatus.CANCELLED:
        return registration  # a retried request
    if training.status == TrainingStatus.HELD or training.starts_at <= timezone.now():
        raise ValidationError(
            _("La formation a commencé ou a eu lieu : l'inscription ne peut plus être annulée.")
        )
    held_a_place = registration.status == RegistrationStatus.CONFIRMED
    actor = by if by is not None and by.is_authenticated else None
    _transition(registration, to=RegistrationStatus.CANCELLED, by=actor)
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if held_a_place and training.status == TrainingStatus.PUBLISHED:
        promote_waitlist(training)
    return registration


def promote_waitlist(training: Training) -> list[Registration]:
    """Give the training's free places to the waiting list, first waitlisted first; each one
    promoted is emailed "Une place s'est libérée". The caller holds the training's lock (and
    calls this after a cancellation, or after raising the number of places)."""
    free = training.capacity - confirmed_count(training)
    if free <= 0:
        return []
    queue = list(
        training.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITLISTED)
        .order_by("waitlisted_at", "pk")[:free]
    )
    now = timezone.now()
    for registration in queue:
        _transition(registration, to=RegistrationStatus.CONFIRMED, by=None)
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        emails.place_freed_email(registration)
    return queue


def tomorrow_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Tomorrow in the ESS's time zone (Europe/Paris), as an aware [start, end)."""
    today = timezone.localtime(now).date()
    zone = timezone.get_current_timezone()
    start = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    end = datetime.combine(today + timedelta(days=2), datetime.min.time(), tzinfo=zone)
    return start, end


def reminders_send(*, now: datetime | None = None) -> int:
    """Email the confirmed registrants of the published trainings that start tomorrow, once
    each: a reminder is claimed on its registration's row (`reminded_at` still empty) in the
    transaction that records the email, so two runs never send it twice. Returns how many were
    sent."""
    now = now or timezone.now()
    start, end = tomorrow_bounds(now)
    due = list(
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            reminded_at=None,
            training__status=TrainingStatus.PUBLISHED,
            training__starts_at__gte=start,
            training__starts_at__lt=end,
        )
        .select_related("training")
        .order_by("pk")[:REMINDER_BATCH]
    )
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, status=RegistrationStatus.CONFIRMED, reminded_at=None
            ).update(reminded_at=now)
            if not claimed:
                continue
            emails.reminder_email(registration)
            sent += 1
    return sent
