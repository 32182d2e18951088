"""Reads of case meetings. `meetings_visible_to` is the only definition of who sees which
meeting: its organiser, its participants with an account, and the ESS's coordinators
(permissions.can_view_meeting is the same rule for one object). Whether a case's patient is
named to the reader is the rule of the case itself (`cases_revealed_to`)."""

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.roles import Role, has_role
from meetings.models import CaseMeeting, MeetingCase, MeetingParticipant, MeetingStatus
from members.models import User
from members.selectors import ess_members
from partners.models import Contact
from pathways.selectors import pathways_visible_to
from referrals.models import Referral
from referrals.selectors import referral_visible_by_reference, referrals_visible_to


def meetings_visible_to(user) -> QuerySet[CaseMeeting]:
    if not (user and user.is_authenticated):
        return CaseMeeting.objects.none()
    if has_role(user, Role.COORDINATOR):
        return CaseMeeting.objects.all()
    takes_part = MeetingParticipant.objects.filter(meeting=OuterRef("pk"), user_id=user.pk)
    return CaseMeeting.objects.filter(Q(organiser_id=user.pk) | Exists(takes_part))


def meeting_get_for_user(user, public_id) -> CaseMeeting:
    """404 for "does not exist" and "not yours" alike."""
    return get_object_or_404(
        meetings_visible_to(user).select_related("specialty", "organiser"), public_id=public_id
    )


def meeting_case_get_for_user(user, meeting_public_id, case_public_id) -> MeetingCase:
    """A case of a meeting the user sees; 404 otherwise."""
    meeting = meeting_get_for_user(user, meeting_public_id)
    case = get_object_or_404(
        MeetingCase.objects.select_related(
            "referral", "referral__patient", "pathway", "pathway__patient", "decided_by"
        ),
        meeting=meeting,
        public_id=case_public_id,
    )
    case.meeting = meeting
    return case


def _count(model, **filters) -> Coalesce:
    rows = (
        model.objects.filter(meeting=OuterRef("pk"), **filters)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def meeting_list(user) -> dict[str, QuerySet[CaseMeeting]]:
    """The list page: meetings to come (planned, from today on, soonest first) and the others
    (latest first), each with its counts, in a fixed number of queries."""
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    meetings = (
        meetings_visible_to(user)
        .select_related("specialty", "organiser")
        .annotate(
            case_count=_count(MeetingCase),
            decided_count=_count(MeetingCase, decided_at__isnull=False),
            participant_count=_count(MeetingParticipant),
        )
    )
    upcoming = Q(status=MeetingStatus.PLANNED, starts_at__gte=start_of_today)
    return {
        "upcoming": meetings.filter(upcoming).order_by("starts_at", "pk"),
        "past": meetings.exclude(upcoming).order_by("-starts_at", "-pk"),
    }


def meeting_participants(meeting: CaseMeeting) -> list[MeetingParticipant]:
    return list(meeting.participants.select_related("user", "contact", "contact__partner"))


def meeting_cases(meeting: CaseMeeting) -> list[MeetingCase]:
    return list(
        meeting.cases.select_related(
            "referral",
            "referral__patient",
            "pathway",
            "pathway__patient",
            "presented_by",
            "decided_by",
        )
    )


def cases_revealed_to(user, cases: list[MeetingCase]) -> set[int]:
    """The ids of the cases whose patient `user` may see named: those whose referral or
    pathway they may see (two queries at most, whatever the number of cases)."""
    referral_ids = {c.referral_id for c in cases if c.referral_id}
    pathway_ids = {c.pathway_id for c in cases if c.pathway_id}
    seen_referrals = set(
        referrals_visible_to(user).filter(pk__in=referral_ids).values_list("pk", flat=True)
        if referral_ids
        else ()
    )
    seen_pathways = set(
        pathways_visible_to(user).filter(pk__in=pathway_ids).values_list("pk", flat=True)
        if pathway_ids
        else ()
    )
    return {
        c.pk
        for c in cases
        if (c.referral_id and c.referral_id in seen_referrals)
        or (c.pathway_id and c.pathway_id in seen_pathways)
    }


def discussions_of(user, *, referral=None, pathway=None) -> list[MeetingCase]:
    """Where a referral or a pathway is on the agenda, among the meetings `user` sees (its
    page's section), with each meeting (one query)."""
    case = {"referral": referral} if referral is not None else {"pathway": pathway}
    return list(
        MeetingCase.objects.filter(meeting__in=meetings_visible_to(user), **case)
        .select_related("meeting")
        .order_by("-meeting__starts_at", "pk")
    )


def meetings_open_to_cases(user) -> QuerySet[CaseMeeting]:
    """Planned meetings, from today on, where `user` may put a case (those they take part in:
    permissions.can_add_case)."""
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return (
        meetings_visible_to(user)
        .filter(status=MeetingStatus.PLANNED, starts_at__gte=start_of_today)
        .select_related("specialty")
        .order_by("starts_at", "pk")
    )


def referral_by_reference_for_user(user, reference: str) -> Referral:
    """The referral with this reference among those `user` may see; a form error otherwise
    (unknown and not theirs alike)."""
    referral = referral_visible_by_reference(user, reference)
    if referral is None:
        raise ValidationError(
            {"reference": _("Aucune demande que vous pouvez consulter ne porte cette référence.")}
        )
    return referral


def members_who_may_take_part(meeting: CaseMeeting | None = None) -> QuerySet[User]:
    """The people who may be invited with their account: active members of the ESS and its
    staff (permissions.can_take_part_in_meetings is the same rule for one person); for a
    `meeting`, those not in it yet (its organiser and participants left out)."""
    members = ess_members()
    if meeting is not None:
        members = members.exclude(pk=meeting.organiser_id).exclude(
            Exists(MeetingParticipant.objects.filter(meeting=meeting, user=OuterRef("pk")))
        )
    return members


def contacts_who_may_be_invited(meeting: CaseMeeting | None = None) -> QuerySet[Contact]:
    """Partners' professionals, through their contact: those with an address to write to; for
    a `meeting`, those not invited to it yet."""
    contacts = Contact.objects.exclude(email="")
    if meeting is not None:
        contacts = contacts.exclude(
            Exists(MeetingParticipant.objects.filter(meeting=meeting, contact=OuterRef("pk")))
        )
    return contacts.select_related("partner").order_by("name", "pk")


def meeting_participant_users(meeting: CaseMeeting) -> QuerySet[User]:
    """The accounts already in the meeting: its organiser and its participants."""
    return User.objects.filter(
        Q(pk=meeting.organiser_id) | Q(meeting_participations__meeting=meeting)
    ).distinct()


def meeting_participant_contacts(meeting: CaseMeeting) -> QuerySet[Contact]:
    """The partners' contacts already invited to the meeting."""
    return Contact.objects.filter(meeting_participations__meeting=meeting).distinct()
