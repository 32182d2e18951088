"""Reads of referrals. `referrals_visible_to` is the only definition of who sees which referral."""

import operator
import uuid
from functools import reduce

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ess.db import known_rows
from ess.roles import Role
from ess.validators import identity_name, normalize_nir
from members.models import User
from partners.models import Partner
from referrals.models import (
    OPEN_STATUSES,
    TAKEN_STATUSES,
    Attachment,
    ImmediateAlert,
    Message,
    Patient,
    Referral,
    ReferralEvent,
    RequesterContact,
    Status,
)
from referrals.permissions import can_view_internal_notes
from scheduling.selectors import absent_on, next_free_slot_subquery


def requester_side_condition(user) -> Q:
    """What a requester sent, was kept informed of as the patient's GP, or (acting for their
    organisation) what their organisation sent."""
    return _any_of(requester_side_branches(user))


def requester_side_branches(user) -> list[Q]:
    branches = [Q(requester=user), Q(referring_gp=user)]
    if user.acts_for_organisation and user.organisation_id:
        branches.append(Q(requester_organisation_id=user.organisation_id))
    return branches


def visibility_branches(user) -> list[Q]:
    """The parts of `referrals_visible_to`'s condition: a referral is visible when it matches
    one of them (none: nothing is visible; one empty Q: everything is). Each part is served by
    its own index, so a list can read each in order and merge them (ReferralPages) where
    PostgreSQL would read the OR of them all in full before sorting."""
    if not user or not user.is_authenticated:
        return []
    roles = user.roles
    if Role.COORDINATOR in roles or Role.MANAGER in roles:
        return [Q()]
    branches = []
    if Role.REQUESTER in roles:
        branches += requester_side_branches(user)
    if Role.SPECIALIST in roles:
        branches.append(Q(specialist=user))
        branches += [Q(status=Status.TRIAGED) & offer for offer in offer_branches(user)]
    return branches


def referrals_visible_to(user) -> QuerySet[Referral]:
    branches = visibility_branches(user)
    if not branches:
        return Referral.objects.none()
    return Referral.objects.filter(_any_of(branches))


def _any_of(conditions: list[Q]) -> Q:
    return reduce(operator.or_, conditions) if conditions else Q(pk__in=[])


def offered_condition(user) -> Q:
    """Offered to this specialist: by name, to their specialty, or (an immediate opinion)
    escalated to them (permissions._is_offered_to)."""
    return _any_of(offer_branches(user))


def offer_branches(user) -> list[Q]:
    branches = [Q(offered_to=user)]
    if user.specialty_id:
        branches.append(Q(offered_to_pool=True, specialty_id=user.specialty_id))
    branches.append(
        Q(
            immediate=True,
            pk__in=ImmediateAlert.objects.filter(recipient=user).values("referral_id"),
        )
    )
    return branches


def patient_known_to(user, ins: str) -> Patient | None:
    """The patient with this INS among those of the referrals `user` may see; None otherwise
    (unknown, someone else's patient, or not an INS)."""
    ins = normalize_nir(ins)
    if len(ins) != 15:
        return None
    return (
        Patient.objects.select_related("commune")
        .filter(ins=ins, referrals__in=referrals_visible_to(user))
        .first()
    )


def referral_visible_by_reference(user, reference: str) -> Referral | None:
    """The referral with this reference (ESS-…, any case) among those `user` may see; None for
    an unknown reference and someone else's alike."""
    return referrals_visible_to(user).filter(reference=reference.strip().upper()).first()


def referral_get_for_user(user, public_id) -> Referral:
    """404 for "does not exist" and "not yours" alike."""
    return get_object_or_404(
        referrals_visible_to(user).select_related(
            "patient",
            "patient__commune",
            "requester",
            "requester_organisation",
            "specialty",
            "specialist",
            "offered_to",
            "referring_gp",
        ),
        public_id=public_id,
    )


def referrals_lost_by(user) -> QuerySet[Referral]:
    """Cases offered to this specialist (by name or to their specialty) that a colleague took.
    They give no access: a late accept is only told the case is taken (409), not unknown (404).
    Mirror of permissions.was_offered_before_taken."""
    if not user or not user.is_authenticated or Role.SPECIALIST not in user.roles:
        return Referral.objects.none()
    offered = Q(taken_from_offer_to=user)
    if user.specialty_id:
        offered |= Q(taken_from_pool=True, specialty_id=user.specialty_id)
    offered |= Q(
        immediate=True, pk__in=ImmediateAlert.objects.filter(recipient=user).values("referral_id")
    )
    return Referral.objects.filter(offered, status__in=TAKEN_STATUSES)


def referral_get_for_accept(user, public_id) -> Referral:
    """The referral a specialist asks to accept: one they may see, or one offered to them that a
    colleague took meanwhile (the service then refuses with 409). 404 for anything else."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(
        (referrals_visible_to(user) | referrals_lost_by(user)).select_related("specialist"),
        public_id=public_id,
    )


def patient_name_conditions(q: str) -> list[Q]:
    """The ways a search names patients (names are stored upper-case: each is a prefix match
    on an index): the start of the birth name or of the used name; for several words, also
    the name then first names, as the lists write a patient ("Fontaine Yvette", "FONTAINE Y")."""
    name = identity_name(q)
    conditions = [Q(birth_name__startswith=name), Q(used_name__startswith=name)]
    surname, *first_names = name.split() or [""]
    if first_names:
        named = Q(birth_name__startswith=surname) | Q(used_name__startswith=surname)
        for word in first_names:
            named &= Q(first_names__startswith=word) | Q(first_names__contains=f" {word}")
        conditions.append(named)
    return conditions


def referral_search_condition(q: str) -> Q:
    """Reference (full, or its number for recent years), INS, or the patient's name
    (`patient_name_conditions`).

    Patients are matched in a subquery, so the OR never forces a scan of every referral joined
    to its patient."""
    q = q.strip()
    patients = Patient.objects.filter(
        reduce(operator.or_, patient_name_conditions(q), Q(ins=q.replace(" ", "")))
    ).values("pk")
    return Q(reference__in=references_searched(q)) | Q(patient__in=patients)


def references_searched(q: str) -> list[str]:
    """The references a search may name: itself (upper-case), or, for a number, that number's
    reference this year and last year ("42" is ESS-2026-000042)."""
    q = q.strip()
    references = [q.upper()]
    if q.isdigit():
        year = timezone.localdate().year
        references += [f"ESS-{y}-{int(q):06d}" for y in (year, year - 1)]
    return references


def referral_timeline(user, referral) -> list[ReferralEvent]:
    """The referral's history as `user` may see it. Read from the referral when its events are
    already in memory (a referral just submitted: referrals.services.intake)."""
    internal = can_view_internal_notes(user, referral)
    known = known_rows(referral, "events")
    if known is not None:
        return [event for event in known if internal or not event.internal]
    events = referral.events.select_related("actor")
    if not internal:
        events = events.filter(internal=False)
    return list(events)


def referral_messages(referral) -> list[Message]:
    return list(
        referral.messages.select_related("author").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("created_at"))
        )
    )


def attachment_get_for_user(user, referral_public_id, attachment_public_id) -> Attachment:
    referral = get_object_or_404(referrals_visible_to(user), public_id=referral_public_id)
    return get_object_or_404(
        Attachment.objects.select_related("referral"),
        referral=referral,
        public_id=attachment_public_id,
    )


def specialists_for_triage(referral):
    """Active specialists of the referral's specialty who are not absent today, with their
    current load (open cases held) and their next free slot, least loaded first. One query."""
    held = Q(referrals_held__status__in=[Status.ACCEPTED, Status.SCHEDULED])
    specialists = (
        User.objects.filter(
            role_grants__role=Role.SPECIALIST, specialty_id=referral.specialty_id, is_active=True
        )
        .exclude(absent_on(timezone.localdate()))
        .annotate(
            load=Count("referrals_held", filter=held, distinct=True),
            next_slot=next_free_slot_subquery(),
        )
        .order_by("load", "last_name")
    )
    rows = list(specialists)
    for s in rows:
        s.triage_label = ngettext(
            "%(name)s — %(n)d dossier en cours", "%(name)s — %(n)d dossiers en cours", s.load
        ) % {"name": s.display_name, "n": s.load}
        if s.next_slot:
            when = timezone.localtime(s.next_slot).strftime("%d/%m %H:%M")
            s.triage_label += _(" — prochain créneau le %(when)s") % {"when": when}
    return rows


def specialist_inbox(user) -> dict[str, list[Referral]]:
    """Cases offered to the specialist (or their specialty pool), the ones they hold, and those
    they recently closed. Six queries whatever the number of cases (each list, then its
    patients for its rows only); an immediate opinion's number to call back comes with its
    row."""
    base = (
        referrals_visible_to(user)
        .select_related("specialty", "requester", "immediate_request")
        .prefetch_related("patient")
    )
    return {
        # Immediate opinions first: someone waits on the phone.
        "offered": list(base.filter(pk__in=first_offers_to(user)).order_by(*OFFERS_ORDER)[:50]),
        "held": list(
            base.filter(specialist=user, status__in=[Status.ACCEPTED, Status.SCHEDULED]).order_by(
                "due_at"
            )[:50]
        ),
        "done": list(
            base.filter(pk__in=Subquery(recently_completed_by(user)[:20])).order_by("-completed_at")
        ),
    }


OFFERS_ORDER = ("-immediate", "due_at", "pk")


def first_offers_to(user, limit: int = 50) -> QuerySet:
    """Ids of the first `limit` cases offered to `user` of each offer branch (by name, to their
    specialty's pool, escalated to them), each read in the inbox's order from its own index
    (`referral_offered_to`, `referral_pool_offers`): under the OR of the branches PostgreSQL
    misestimated the offers (one row for thousands) and joined every one before sorting."""
    branches = offer_branches(user)
    if not connection.features.supports_slicing_ordering_in_compound:
        # SQLite (the demo's few rows) cannot cut the parts of a UNION: their OR.
        offered = Referral.objects.filter(reduce(operator.or_, branches), status=Status.TRIAGED)
        return offered.values("pk")
    parts = [
        Referral.objects.filter(branch, status=Status.TRIAGED)
        .order_by(*OFFERS_ORDER)
        .values("pk")[:limit]
        for branch in branches
    ]
    return parts[0].union(*parts[1:])


def recently_completed_by(user) -> QuerySet:
    """Ids of the cases `user` completed, latest first: read in that order from the partial index
    `referral_done_by_specialist`, so keeping 20 reads 20 (the visibility filter, an OR, would
    otherwise make PostgreSQL read every completed case of the specialist and sort them)."""
    return (
        Referral.objects.filter(specialist=user, status=Status.COMPLETED)
        .order_by("-completed_at")
        .values("pk")
    )


# ---------------------------------------------------------------------------------------------
# Where requests come from: a partner's organisations
# ---------------------------------------------------------------------------------------------
def partner_referral_counts(partner: Partner) -> dict:
    """Referrals sent from the partner's organisations: total, open, completed. One query."""
    return Referral.objects.filter(requester_organisation__partner=partner).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
    )


def partner_referrals(user, partner: Partner, *, limit: int = 20):
    """The latest referrals from the partner's organisations that `user` may see."""
    return list(
        referrals_visible_to(user)
        .filter(requester_organisation__partner=partner)
        .select_related("specialty", "requester")
        .order_by("-submitted_at", "-pk")[:limit]
    )


def referral_counts_by_partner_type(*, start=None, end=None) -> list[dict]:
    """Where requests come from (indicators): referrals per partner type of the requester's
    organisation over [start, end), aggregated in the database. Requests from organisations not
    linked to a partner count under an empty type."""
    qs = Referral.objects.all()
    if start:
        qs = qs.filter(submitted_at__gte=start)
    if end:
        qs = qs.filter(submitted_at__lt=end)
    type_code = Coalesce(
        "requester_organisation__partner__type__code", Value(""), output_field=CharField()
    )
    return list(
        qs.values(type_code=type_code).annotate(count=Count("pk")).order_by("-count", "type_code")
    )


def requester_contact_for(referral) -> RequesterContact | None:
    """How to reach the requester of a referral sent without an account (or recorded for them),
    while they have not claimed it: None for a requester with an account."""
    if referral.requester.is_active:
        return None
    return RequesterContact.objects.filter(stand_in_id=referral.requester_id).first()
