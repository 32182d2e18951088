"""Who may do what with trainings, campaigns, ETP programmes and residents. Actor checks only:
the transition tables (models.TRAINING_TRANSITIONS, REGISTRATION_TRANSITIONS) decide what a status
allows. One condition per line; roles are named.

Published trainings are public (anyone may read them and register); the rest is the business of
the ESS's management and coordination, and of a training's speakers for its attendance."""

from django.utils import timezone

from ess import workflow
from ess.roles import Role, has_any_role, has_role
from events.models import Registration, RegistrationStatus, Training, TrainingStatus

# Who runs the ESS's events: the direction and the coordination.
EVENT_MANAGER_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR})


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def can_manage_events(user) -> bool:
    """Create, edit, publish and cancel trainings; record campaigns, ETP sessions and
    residents' placements."""
    return has_any_role(user, EVENT_MANAGER_ROLES)


# ---------------------------------------------------------------------------------------------
# Trainings: management, attendance and certificates
# ---------------------------------------------------------------------------------------------
def is_speaker(user, training: Training) -> bool:
    """Reads the training's speakers (prefetched by the pages that list them)."""
    if not _signed_in(user):
        return False
    return any(speaker.pk == user.pk for speaker in training.speakers.all())


def can_edit_training(user, training: Training) -> bool:
    """Its content and places change until it is held or cancelled."""
    if training.is_closed:
        return False
    return can_manage_events(user)


def can_publish_training(user, training: Training) -> bool:
    """Published before it begins."""
    if training.starts_at <= timezone.now():
        return False
    return can_manage_events(user)


def can_cancel_training(user, training: Training) -> bool:
    return can_manage_events(user)


def can_hold_training(user, training: Training) -> bool:
    """Marked held once it has begun."""
    if training.starts_at > timezone.now():
        return False
    return can_manage_events(user)


def can_take_attendance(user, training: Training) -> bool:
    """The list of who came: the management and the training's speakers."""
    if can_manage_events(user):
        return True
    return is_speaker(user, training)


def attendance_offered(user, training: Training) -> bool:
    """The pages link the attendance (and its sign-in sheet) of a published or held training
    for those who take it."""
    if training.status not in (TrainingStatus.PUBLISHED, TrainingStatus.HELD):
        return False
    return can_take_attendance(user, training)


def can_record_attendance(user, training: Training) -> bool:
    """Ticked from the training's first day on; never on a draft or a cancelled one."""
    if training.status not in (TrainingStatus.PUBLISHED, TrainingStatus.HELD):
        return False
    if timezone.localdate(training.starts_at) > timezone.localdate():
        return False
    return can_take_attendance(user, training)


def can_download_certificate(user, registration: Registration) -> bool:
    """A certificate of attendance: for a confirmed registrant marked present at a training that
    took place (held, or published and begun; never a cancelled one)."""
    if registration.status != RegistrationStatus.CONFIRMED or registration.attended is not True:
        return False
    training = registration.training
    if training.status == TrainingStatus.HELD:
        return True
    return training.status == TrainingStatus.PUBLISHED and training.starts_at <= timezone.now()


TRAINING_ACTIONS = workflow.register(
    Training,
    [
        workflow.Action("publish", to=TrainingStatus.PUBLISHED, allowed=can_publish_training),
        workflow.Action("hold", to=TrainingStatus.HELD, allowed=can_hold_training),
        workflow.Action("cancel", to=TrainingStatus.CANCELLED, allowed=can_cancel_training),
    ],
)


# ---------------------------------------------------------------------------------------------
# Public-health campaigns
# ---------------------------------------------------------------------------------------------
def can_manage_campaigns(user) -> bool:
    """Create and change campaigns, record their actions, see those not shown publicly and
    export their figures."""
    return can_manage_events(user)


def can_view_campaign(user, campaign) -> bool:
    """A campaign shown publicly is anyone's to read; the others are the managers'."""
    if campaign.is_public:
        return True
    return can_manage_campaigns(user)


# ---------------------------------------------------------------------------------------------
# ETP programmes and residents: the management and the coordination keep them; the specialists
# read them (they facilitate sessions and host residents), and a specialist who is a registered
# supervisor declares their own offers of places. Patients appear only as counts, residents by
# name: nothing here is patient data.
# ---------------------------------------------------------------------------------------------
ACTIVITY_READER_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR, Role.SPECIALIST})


def can_view_activities(user) -> bool:
    """Read the ETP programmes and their sessions, the residents' supervisors, offers and
    placements (the pages /evenements/etp/ and /evenements/internes/, the API's ETP list)."""
    return has_any_role(user, ACTIVITY_READER_ROLES)


def can_manage_etp(user) -> bool:
    """Create and edit ETP programmes; record, correct and delete their sessions."""
    return can_manage_events(user)


def can_manage_residents(user) -> bool:
    """Register supervisors, declare any supervisor's offers, record placements."""
    return can_manage_events(user)


def can_declare_training_place(user, supervisor) -> bool:
    """Declare an offer of places for `supervisor`: the management for anyone; a specialist
    for their own supervision."""
    if can_manage_residents(user):
        return True
    return (
        has_role(user, Role.SPECIALIST)
        and supervisor is not None
        and supervisor.member_id == user.pk
    )
