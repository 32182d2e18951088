"""The coordinator's queue: what needs action, sorted by due time, with counts per view.

Every figure comes from the database: one query for the counts per view, and for the page its
count (capped), its ids, then its rows. Each reads an index in the queue's order
(`referral_open_queue` for the working views, `referral_all_by_due` for "Toutes"), so a page
costs the same over ten thousand referrals or a million.
"""

import uuid

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.models import Departement, Specialty, Team
from ess.roles import Role
from members.models import OrganisationKind, User
from referrals.deadlines import (
    nearing_deadline,
    nearing_not_overdue,
    overdue,
    with_effective_priority,
)
from referrals.models import OPEN_STATUSES, Patient, Priority, Referral, Status
from referrals.selectors import (
    patient_name_conditions,
    references_searched,
    referrals_visible_to,
)


def _view_conditions(now) -> dict[str, Q]:
    return {
        "a_traiter": Q(status=Status.SUBMITTED)
        | Q(status=Status.TRIAGED, offered_to__isnull=True, offered_to_pool=False)
        # An immediate opinion skips triage: watched until the specialist on call takes it.
        | Q(status=Status.TRIAGED, immediate=True)
        | nearing_deadline(now)
        | overdue(now),
        "nouvelles": Q(status=Status.SUBMITTED, info_received_at__isnull=True),
        "complements": Q(status=Status.SUBMITTED, info_received_at__isnull=False),
        "en_attente_info": Q(status=Status.INFO_REQUESTED),
        "refusees": Q(
            status=Status.TRIAGED,
            last_declined_at__isnull=False,
            offered_to__isnull=True,
            offered_to_pool=False,
        ),
        "proposees": Q(status=Status.TRIAGED)
        & (Q(offered_to__isnull=False) | Q(offered_to_pool=True)),
        "en_cours": Q(status__in=[Status.ACCEPTED, Status.SCHEDULED]),
        "echeance_proche": nearing_not_overdue(now),
        "en_retard": overdue(now),
        "toutes": Q(),
    }


QUEUE_VIEWS = {
    "a_traiter": _("À traiter"),
    "nouvelles": _("Nouvelles"),
    "complements": _("Complément reçu"),
    "en_attente_info": _("En attente du demandeur"),
    "refusees": _("Refusées par un spécialiste"),
    "proposees": _("Proposées, non prises"),
    "en_cours": _("En cours"),
    "echeance_proche": _("Échéance proche"),
    "en_retard": _("En retard"),
    "toutes": _("Toutes"),
}


def queue_counts(user) -> dict[str, int]:
    """Counts for every working view, in one aggregate over open referrals only (an index scan:
    closed referrals, the vast majority, are never read). "toutes" has no count."""
    conditions = _view_conditions(timezone.now())
    del conditions["toutes"]
    return (
        referrals_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
        )
    )


# The page says "plus de 1 000" rather than counting a history of millions.
QUEUE_COUNT_CAP = 1_000
# What the queue's rows show (templates/referrals/_queue.html, templatetags/referral_cells.py),
# and nothing more: joined to the rows, but for the people (requester, specialist, offered to),
# read at once in a second query; the planner then considers four joins instead of eight on
# every request.
QUEUE_ROW_RELATIONS = ("patient", "patient__commune", "specialty", "requester_organisation")
QUEUE_ROW_FIELDS = (
    *("public_id", "reference", "status", "priority", "urgency_requested", "immediate"),
    *("identity_conflict", "submitted_at", "due_at", "answered_at", "info_received_at"),
    *("last_declined_at", "escalation_level", "offered_to_pool"),
    *("patient__birth_name", "patient__used_name", "patient__first_names"),
    *("patient__commune__name", "specialty__label", "requester_organisation__name"),
)
QUEUE_ROW_PEOPLE = ("requester", "specialist", "offered_to")
QUEUE_PERSON_FIELDS = ("first_name", "last_name", "profession", "email")
# What `queue_referrals` reads, and its order (models.QUEUE_ORDER by column, as a union needs).
QUEUE_KEYS = ("pk", "due_at", "submitted_at")
_ORDER = (F("due_at").asc(nulls_last=True), "submitted_at", "pk")


def queue_referrals(
    user,
    *,
    view: str,
    statut="",
    priorite="",
    specialite="",
    type="",
    departement="",
    commune="",
    specialiste="",
    q="",
) -> QuerySet:
    """The view's referrals, filtered, in the queue's order: their ids (with their sort keys),
    read from an index; `queue_rows` then reads the page's rows. Joined here, PostgreSQL would
    plan the eight-table join over the whole queue on every request."""
    qs = referrals_visible_to(user).filter(_view_conditions(timezone.now())[view])
    if view != "toutes":
        # Said explicitly (every working view is a subset): the planner then reads the partial
        # index of open referrals.
        qs = qs.filter(status__in=OPEN_STATUSES)
    if statut in Status.values:
        qs = qs.filter(status=statut)
    if priorite in Priority.values:
        qs = qs.filter(with_effective_priority(priorite))
    if specialite:
        # The specialty's id looked up once, not joined: the filter applies on the index.
        qs = qs.filter(
            specialty_id=Subquery(
                Specialty.objects.filter(code=specialite).order_by().values("pk")[:1]
            )
        )
    if type in OrganisationKind.values:
        qs = qs.filter(requester_organisation__kind=type)
    if departement:
        qs = qs.filter(patient__commune__departement_id=departement)
    if commune:
        qs = qs.filter(patient__commune_id=commune.split(" ", 1)[0])
    if specialiste:
        try:
            wanted = uuid.UUID(specialiste)
        except ValueError:  # a hand-edited address: nobody has that identifier
            qs = qs.none()
        else:
            user_id = Subquery(User.objects.filter(public_id=wanted).order_by().values("pk")[:1])
            qs = qs.filter(Q(specialist_id=user_id) | Q(offered_to_id=user_id))
    if not q:
        return qs.values_list(*QUEUE_KEYS).order_by(*_ORDER)
    # A union of index reads rather than an OR: as an OR, PostgreSQL reads the queue in its
    # order and tests every referral against the matching patients.
    by_patient, by_reference = queue_search_conditions(q)
    return (
        qs.filter(by_patient)
        .order_by()
        .values_list(*QUEUE_KEYS)
        .union(qs.filter(by_reference).order_by().values_list(*QUEUE_KEYS))
        .order_by(*_ORDER)
    )


def queue_search_conditions(q: str) -> tuple[Q, Q]:
    """What a search designates, in two parts: referrals of a patient whose INS or start of
    name (stored upper-case) it is, and referrals whose reference it is (full, or its number
    for recent years). The matches of `referral_search_condition`, but for the patients beyond
    the first SEARCH_PATIENT_CAP; each part reads an index (patients by name prefix and INS,
    then their referrals by `referral_by_patient`; the references)."""
    patients = _matching_patients(q)[:SEARCH_PATIENT_CAP]
    return Q(patient__in=patients), Q(reference__in=references_searched(q))


# A name shared by hundreds of patients nationwide ("DUPONT") lists the referrals of the first
# 250 (in alphabetical order), and the page asks for a longer name, the INS or the reference.
SEARCH_PATIENT_CAP = 250


def _matching_patients(q: str) -> QuerySet:
    """The patients a search designates, read from their indexes one after the other (names in
    alphabetical order) and never all of them: `UNION ALL`, unsorted, so that a limit stops
    the reading (a patient found twice only repeats an `IN` value)."""
    first, *others = (
        Patient.objects.filter(condition).order_by().values("pk")
        for condition in patient_name_conditions(q)
    )
    patients = first.union(*others, all=True)
    if ins := q.strip().replace(" ", ""):
        patients = patients.union(Patient.objects.filter(ins=ins).order_by().values("pk"), all=True)
    return patients


def search_patient_cap_reached(q: str) -> int:
    """The cap when more patients match the search than it lists the referrals of, else 0."""
    if q and _matching_patients(q)[SEARCH_PATIENT_CAP:][:1]:
        return SEARCH_PATIENT_CAP
    return 0


def queue_rows(user, keys) -> list[Referral]:
    """The rows of a page of `queue_referrals`, with what the queue shows, in its order, and
    each one's address (`detail_url`)."""
    ids = [key[0] for key in keys]
    by_id = (
        referrals_visible_to(user)
        .select_related(*QUEUE_ROW_RELATIONS)
        .only(*QUEUE_ROW_FIELDS, *QUEUE_ROW_PEOPLE)
        .order_by()
        .in_bulk(ids)
    )
    rows = [by_id[pk] for pk in ids if pk in by_id]
    people = User.objects.only(*QUEUE_PERSON_FIELDS).in_bulk(
        {getattr(row, f"{name}_id") for row in rows for name in QUEUE_ROW_PEOPLE} - {None}
    )
    # One `reverse` for the page, its identifier then replaced by each row's.
    placeholder = str(uuid.UUID(int=0))
    detail_url = reverse("referrals:detail", kwargs={"public_id": placeholder})
    for row in rows:
        row.detail_url = detail_url.replace(placeholder, str(row.public_id))
        for name in QUEUE_ROW_PEOPLE:
            if (person_id := getattr(row, f"{name}_id")) is not None:
                setattr(row, name, people[person_id])
    return rows


def _team_specialties() -> list:
    """The team's specialties, or every specialty before the team has chosen: one query."""
    specialties = list(
        Specialty.objects.annotate(
            in_team=Exists(Team.specialties.through.objects.filter(specialty=OuterRef("pk")))
        ).order_by("label")
    )
    return [s for s in specialties if s.in_team] or specialties


FILTER_OPTIONS_KEY = "referrals:queue-filter-options"


def queue_filter_options() -> dict:
    """Choices for the filter bar, as (value, text) pairs. Those read from small reference
    tables are cached, and dropped when a specialty, a département, the team, a user or a role
    changes (`forget_queue_filter_options`); the fixed ones are not (their labels, translated
    on display, cost more to unpickle than to list)."""
    options = cache.get(FILTER_OPTIONS_KEY)
    if options is None:
        options = _queue_filter_options()
        cache.set(FILTER_OPTIONS_KEY, options, timeout=3600)
    return {
        **options,
        "priorities": [(value, value) for value in Priority.values],
        "types": OrganisationKind.choices,
    }


def forget_queue_filter_options(**kwargs) -> None:
    cache.delete(FILTER_OPTIONS_KEY)


def _queue_filter_options() -> dict:
    specialists = User.objects.filter(role_grants__role=Role.SPECIALIST, is_active=True).order_by(
        "last_name", "first_name"
    )
    return {
        "specialties": [(s.code, s.label) for s in _team_specialties()],
        "departements": [
            (d.code, str(d))
            for d in Departement.objects.filter(team__isnull=False).order_by("code")
        ],
        "specialists": [(str(u.public_id), u.display_name) for u in specialists],
    }
