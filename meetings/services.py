"""Every write of the meetings app (télé-RCP): one function per action, keyword-only.

A decision is written into the case's own timeline through the service of the app that owns it
(`pathways.services.pathway_note_add`, `referrals.services.referral_meeting_decision_record`),
and the case's GP is told the outcome in the same transaction."""

from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import workflow
from ess.errors import Conflict
from ess.models import NotificationKind
from ess.notifications import notify
from ess.outbox import email_queue_rendered
from ess.permissions import require
from ess.text import required_text
from ess.workflow_steps import advance
from meetings import permissions as perms
from meetings.models import CaseMeeting, MeetingCase, MeetingParticipant, MeetingStatus
from pathways import services as pathway_services
from pathways.models import CircleRole, NoteKind
from pathways.selectors import pathway_get_for_user
from referrals import services as referral_services
from referrals.selectors import referral_get_for_user

_refused = workflow.Refusal(
    gettext_lazy(
        "Action impossible : la télé-RCP « %(title)s » est « %(status)s » ; %(action)s n'est "
        "plus possible."
    ),
    {
        MeetingStatus.HELD: gettext_lazy("son passage à « tenue »"),
        MeetingStatus.CANCELLED: gettext_lazy("son annulation"),
    },
    lambda meeting: {"title": meeting.title},
)
# A meeting keeps no history of its statuses.
_advance = partial(advance, refused=_refused, history=False)


def _locked(meeting_id: int) -> CaseMeeting:
    return workflow.locked(CaseMeeting, meeting_id)


def meeting_url(meeting: CaseMeeting) -> str:
    return reverse("meetings:detail", args=[meeting.public_id])


def _when(meeting: CaseMeeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    return _("le %(date)s à %(time)s") % {
        "date": start.strftime("%d/%m/%Y"),
        "time": start.strftime("%H:%M"),
    }


def _clean_fields(
    *,
    title: str,
    starts_at: datetime,
    duration_minutes: int = 60,
    specialty=None,
    theme: str = "",
    video_url: str = "",
) -> dict:
    """A meeting's fields, checked: the same for `meeting_create` and `meeting_update`."""
    title = required_text(title, "title", _("Donnez un intitulé à la télé-RCP."))
    theme = (theme or "").strip()
    if specialty is None and not theme:
        raise ValidationError({"theme": _("Choisissez une spécialité ou indiquez un thème.")})
    if starts_at is None:
        raise ValidationError({"starts_at": _("Indiquez la date et l'heure.")})
    if not duration_minutes or duration_minutes < 5:
        raise ValidationError({"duration_minutes": _("La durée est d'au moins 5 minutes.")})
    return {
        "title": title,
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "specialty": specialty,
        "theme": theme,
        "video_url": (video_url or "").strip(),
    }


# ---------------------------------------------------------------------------------------------
# The meeting
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def meeting_create(*, by, **fields) -> CaseMeeting:
    """Plan a télé-RCP, per specialty or theme (`_clean_fields`). Requires
    `can_organise_meeting` (coordinators and specialists: PermissionDenied otherwise); a
    ValidationError names a missing field, or a start already past (a planned meeting is to
    come; once begun it is marked held, and its time may still be corrected with
    `meeting_update`). The organiser is its first participant."""
    require(perms.can_organise_meeting(by))
    fields = _clean_fields(**fields)
    if fields["starts_at"] < timezone.now().replace(second=0, microsecond=0):
        raise ValidationError(
            {
                "starts_at": _(
                    "Cette date est passée : une télé-RCP se programme à une date et une heure "
                    "à venir."
                )
            }
        )
    meeting = CaseMeeting.objects.create(**fields, organiser=by)
    MeetingParticipant.objects.create(meeting=meeting, user=by)
    return meeting


@transaction.atomic
def meeting_update(*, meeting_id: int, by, **fields) -> CaseMeeting:
    """Change a planned meeting (the fields of `meeting_create`; its organiser or a
    coordinator: PermissionDenied otherwise; Conflict once it is held or cancelled). A new
    date or link is told to the participants."""
    meeting = _locked(meeting_id)
    require(perms.can_manage_meeting(by, meeting))
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict(_("Cette télé-RCP est tenue ou annulée : elle ne se modifie plus."))
    fields = _clean_fields(**fields)
    moved = fields["starts_at"] != meeting.starts_at or fields["video_url"] != meeting.video_url
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=[*fields, "updated_at"])
    if moved:
        _tell_participants(meeting, by=by, change="update")
    return meeting


@transaction.atomic
def meeting_hold(*, meeting_id: int, by) -> CaseMeeting:
    """Mark the meeting held, once it has begun (its organiser or a coordinator:
    PermissionDenied otherwise; TransitionNotAllowed when cancelled). Again: no-op."""
    meeting = _locked(meeting_id)
    require(perms.can_manage_meeting(by, meeting))
    if meeting.status == MeetingStatus.HELD:
        return meeting
    workflow.check(meeting, MeetingStatus.HELD, refused=_refused)
    if not perms.can_hold_meeting(by, meeting):
        raise Conflict(_("La télé-RCP n'a pas encore commencé : elle ne peut pas être tenue."))
    _advance(meeting, MeetingStatus.HELD, by=by, held_at=timezone.now())
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting_id: int, by, reason: str) -> CaseMeeting:
    """Cancel a planned meeting with a reason (its organiser or a coordinator); the
    participants are told. Again: no-op; a held meeting cannot be cancelled
    (TransitionNotAllowed)."""
    meeting = _locked(meeting_id)
    require(perms.can_cancel_meeting(by, meeting))
    reason = required_text(reason, "reason", _("Indiquez le motif de l'annulation."))
    if not _advance(meeting, MeetingStatus.CANCELLED, by=by, cancel_reason=reason):
        return meeting
    _tell_participants(meeting, by=by, change="cancellation")
    return meeting


# ---------------------------------------------------------------------------------------------
# Participants and attendance
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def meeting_participant_add(*, meeting_id: int, by, user=None, contact=None) -> MeetingParticipant:
    """Invite a member of the ESS (an account with an active membership or a staff role: they
    are notified) or a partner's professional through their contact (emailed, without patient
    data). Anyone else is refused (ValidationError). Requires `can_edit_meeting`. Inviting
    someone already invited changes nothing."""
    meeting = _locked(meeting_id)
    require(perms.can_manage_meeting(by, meeting))
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict(_("Cette télé-RCP est tenue ou annulée : on n'y invite plus personne."))
    if (user is None) == (contact is None):
        raise ValidationError(_("Choisissez un membre de l'ESS ou un contact d'un partenaire."))
    if user is not None:
        if not perms.can_take_part_in_meetings(user):
            raise ValidationError(
                {
                    "user": _(
                        "%(name)s n'est pas membre de l'ESS : une télé-RCP réunit ses membres "
                        "et les professionnels des partenaires, invités par leur contact."
                    )
                    % {"name": user.display_name}
                }
            )
        participant, created = MeetingParticipant.objects.get_or_create(meeting=meeting, user=user)
        if created:
            notify(
                recipients=[user],
                kind=NotificationKind.CASE_MEETING,
                actor=by,
                title=lambda: _("Invitation à la télé-RCP : %(title)s") % {"title": meeting.title},
                detail=lambda: _when(meeting),
                url=meeting_url(meeting),
            )
        return participant
    if not contact.email:
        raise ValidationError(
            {
                "contact": _(
                    "%(name)s n'a pas d'adresse électronique : ajoutez-la à sa fiche de contact "
                    "avant de l'inviter."
                )
                % {"name": contact.name}
            }
        )
    participant, created = MeetingParticipant.objects.get_or_create(
        meeting=meeting, contact=contact
    )
    if created:
        _email_contact(meeting, contact, change="invitation")
    return participant


def _email_contact(meeting: CaseMeeting, contact, *, change: str) -> None:
    email_queue_rendered(
        to=contact.email,
        template="meeting_invitation",
        context={
            "meeting": meeting,
            "contact": contact,
            "change": change,
            "base_url": settings.ESS_BASE_URL,
        },
        html=False,
        language=settings.LANGUAGE_CODE,
    )


# What the participants are told of a change ("update": a new date or link), by `change`.
_CHANGE_TITLES = {
    "update": gettext_lazy("Télé-RCP modifiée : %(title)s"),
    "cancellation": gettext_lazy("Télé-RCP annulée : %(title)s"),
}


def _tell_participants(meeting: CaseMeeting, *, by, change: str) -> None:
    """Notify the members invited of the `change` and email the partners' contacts."""
    participants = list(meeting.participants.select_related("user", "contact"))
    notify(
        recipients=[p.user for p in participants if p.user_id],
        kind=NotificationKind.CASE_MEETING,
        actor=by,
        title=lambda: _CHANGE_TITLES[change] % {"title": meeting.title},
        detail=lambda: _when(meeting),
        url=meeting_url(meeting),
    )
    for participant in participants:
        if participant.contact_id and participant.contact.email:
            _email_contact(meeting, participant.contact, change=change)


@transaction.atomic
def meeting_attendance_record(*, meeting_id: int, by, present: list[int]) -> CaseMeeting:
    """Who attended: the participants whose ids are in `present` were there, the others were
    not (recording again replaces it). Requires `can_record_attendance` (not on a cancelled
    meeting: Conflict)."""
    meeting = _locked(meeting_id)
    require(perms.can_manage_meeting(by, meeting))
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("Cette télé-RCP est annulée : aucune présence à noter."))
    present_ids = {int(pk) for pk in present}
    meeting.participants.filter(pk__in=present_ids).update(attended=True)
    meeting.participants.exclude(pk__in=present_ids).update(attended=False)
    return meeting


# ---------------------------------------------------------------------------------------------
# Cases and decisions
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def meeting_case_add(
    *,
    meeting_id: int,
    by,
    question: str,
    referral_public_id=None,
    pathway_public_id=None,
) -> MeetingCase:
    """Put a case on the agenda of a planned meeting, from a referral or a pathway, with the
    question asked of the meeting. Requires `can_add_case` (PermissionDenied); the case is
    looked up as `by` sees it (Http404 for a referral or pathway they may not see). A case
    already on the agenda is left as it is: sent again with the same question, a no-op; with
    another one, refused (Conflict, naming the question it has)."""
    meeting = _locked(meeting_id)
    require(perms.can_view_meeting(by, meeting))
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict(_("Cette télé-RCP est tenue ou annulée : on n'y inscrit plus de dossier."))
    if (referral_public_id is None) == (pathway_public_id is None):
        raise ValidationError(_("Choisissez une demande ou un parcours à discuter."))
    referral = pathway = None
    if referral_public_id is not None:
        referral = referral_get_for_user(by, referral_public_id)
        existing = meeting.cases.filter(referral=referral).first()
    else:
        pathway = pathway_get_for_user(by, pathway_public_id)
        existing = meeting.cases.filter(pathway=pathway).first()
    question = required_text(question, "question", _("Indiquez la question posée à la RCP."))
    if existing is not None:
        if existing.question == question:
            return existing  # a retried request
        raise Conflict(
            _(
                "Ce dossier est déjà à l'ordre du jour de cette télé-RCP, avec la question : "
                "« %(question)s »."
            )
            % {"question": existing.question}
        )
    last = meeting.cases.aggregate(last=Max("position"))["last"] or 0
    return MeetingCase.objects.create(
        meeting=meeting,
        referral=referral,
        pathway=pathway,
        question=question,
        presented_by=by,
        position=last + 1,
    )


def _case_url(case: MeetingCase) -> str:
    if case.referral_id:
        return reverse("referrals:detail", args=[case.referral.public_id])
    return reverse("pathways:detail", args=[case.pathway.public_id])


def _case_gps(case: MeetingCase) -> list:
    """Who is told the outcome: the referral's requester and the GP it was sent for, or the
    GPs of the pathway's care circle."""
    if case.referral_id:
        return [case.referral.requester, case.referral.referring_gp]
    return [
        member.user
        for member in case.pathway.circle.filter(role=CircleRole.GP).select_related("user")
    ]


@transaction.atomic
def meeting_case_decide(*, case_id: int, by, decision: str) -> MeetingCase:
    """Record the meeting's decision on a case: written into the case's timeline (the
    pathway's notes, or the referral's history where the requester reads it) and told to its
    GP (NotificationKind.CASE_MEETING), all in this transaction. Requires
    `can_record_decision` (PermissionDenied); refused on a cancelled meeting (Conflict). The
    same decision sent twice is recorded once; another one after it is refused (Conflict)."""
    meeting_id = MeetingCase.objects.values_list("meeting_id", flat=True).get(pk=case_id)
    meeting = _locked(meeting_id)
    require(perms.can_manage_meeting(by, meeting))
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("Cette télé-RCP est annulée : aucune décision ne peut y être rendue."))
    case = (
        MeetingCase.objects.select_for_update(of=("self",))
        .select_related("referral", "referral__requester", "referral__referring_gp", "pathway")
        .get(pk=case_id)
    )
    decision = required_text(decision, "decision", _("Écrivez la décision de la RCP."))
    if case.decided_at is not None:
        if case.decision == decision:
            return case  # a retried request
        raise Conflict(_("La décision de ce dossier est déjà enregistrée."))
    case.decision = decision
    case.decided_at = timezone.now()
    case.decided_by = by
    case.save(update_fields=["decision", "decided_at", "decided_by"])
    line = _("Décision de la télé-RCP « %(title)s » du %(date)s : %(decision)s") % {
        "title": meeting.title,
        "date": timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y"),
        "decision": decision,
    }
    if case.pathway_id:
        pathway_services.pathway_note_add(
            pathway_id=case.pathway_id, by=by, text=line, kind=NoteKind.RCP_DECISION
        )
    if case.referral_id:
        referral_services.referral_meeting_decision_record(
            referral_id=case.referral_id, by=by, text=line
        )

    def title() -> str:
        if case.referral_id:
            return _("Décision de télé-RCP : %(ref)s") % {"ref": case.referral.reference}
        return _("Décision de télé-RCP sur un parcours de soins")

    notify(
        recipients=_case_gps(case),
        kind=NotificationKind.CASE_MEETING,
        actor=by,
        title=title,
        detail=meeting.title,
        url=_case_url(case),
        dedupe_key=f"meeting-case-decision:{case.pk}",
    )
    return case
