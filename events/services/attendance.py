"""Who came to a training: ticked from its first day on by its managers or its speakers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess import workflow
from ess.errors import Conflict
from ess.permissions import require
from events import permissions as perms
from events.models import RegistrationStatus, Training, TrainingStatus


@transaction.atomic
def attendance_record(*, training_id: int, present_ids, by) -> Training:
    """Mark present the confirmed registrations whose ids are in `present_ids` and absent
    every other confirmed one (recording again replaces it). Requires `can_take_attendance`
    (the management, the training's speakers: PermissionDenied); Conflict before the training's
    first day or on a draft or a cancelled one; ValidationError for an id that is not a
    confirmed registration of this training."""
    training = workflow.locked(Training, training_id)
    require(perms.can_take_attendance(by, training))
    if training.status not in (TrainingStatus.PUBLISHED, TrainingStatus.HELD):
        raise Conflict(
            _("La formation « %(title)s » est « %(status)s » : aucune présence à noter.")
            % {"title": training.title, "status": training.get_status_display()}
        )
    if timezone.localdate(training.starts_at) > timezone.localdate():
        raise Conflict(
            _("La formation n'a pas encore commencé : les présences se notent à partir du %(day)s.")
            % {"day": timezone.localtime(training.starts_at).strftime("%d/%m/%Y")}
        )
    confirmed = training.registrations.filter(status=RegistrationStatus.CONFIRMED)
    present = {int(pk) for pk in present_ids}
    known = set(confirmed.filter(pk__in=present).values_list("pk", flat=True))
    if present - known:
        raise ValidationError(
            _("Une personne cochée n'est pas inscrite à cette formation : rechargez la page.")
        )
    confirmed.filter(pk__in=present).update(attended=True)
    confirmed.exclude(pk__in=present).update(attended=False)
    return training
