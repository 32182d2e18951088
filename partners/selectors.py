"""Reads of partners and conventions. `partners_visible_to` and `conventions_visible_to` are the
only definitions of who sees which partner or convention; pages, API, exports start from them."""

from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from members.models import User
from partners.models import (
    BINDING_STATUSES,
    REMINDER_THRESHOLDS,
    Contact,
    Convention,
    ConventionDocument,
    ConventionStatus,
    Partner,
    Protocol,
)
from partners.permissions import can_download_convention_document, can_view_partners

# Reading order of conventions: what binds the ESS today first, then what is coming, then history.
_STATUS_ORDER = (
    ConventionStatus.ACTIVE,
    ConventionStatus.SIGNED,
    ConventionStatus.NEGOTIATION,
    ConventionStatus.DRAFT,
    ConventionStatus.EXPIRED,
    ConventionStatus.TERMINATED,
)
STATUS_RANK = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(_STATUS_ORDER)),
    output_field=IntegerField(),
)


def partners_visible_to(user) -> QuerySet[Partner]:
    if can_view_partners(user):
        return Partner.objects.all()
    return Partner.objects.none()


def conventions_visible_to(user) -> QuerySet[Convention]:
    if can_view_partners(user):
        return Convention.objects.all()
    return Convention.objects.none()


def partner_get_for_user(user, public_id) -> Partner:
    """404 for "does not exist" and "not yours" alike."""
    return get_object_or_404(
        partners_visible_to(user).select_related("type", "commune", "referent"),
        public_id=public_id,
    )


def convention_get_for_user(user, public_id) -> Convention:
    return get_object_or_404(
        conventions_visible_to(user).select_related("kind", "referent"), public_id=public_id
    )


def _active_convention():
    return Convention.objects.filter(parties=OuterRef("pk"), status=ConventionStatus.ACTIVE)


def partner_list(
    user,
    *,
    type_code: str = "",
    departement: str = "",
    convention: str = "",
    search: str = "",
) -> QuerySet[Partner]:
    """The partners page and API: filters by type, territory (the département of the partner's
    commune or one it covers), with/without an active convention, and a search on the name,
    FINESS, SIRET or commune. One query (plus the count) whatever the number of partners."""
    qs = (
        partners_visible_to(user)
        .select_related("type", "commune", "referent")
        .annotate(
            has_active_convention=Exists(_active_convention()),
            active_conventions=Count(
                "conventions",
                filter=Q(conventions__status=ConventionStatus.ACTIVE),
                distinct=True,
            ),
        )
        .order_by("name", "pk")
    )
    if type_code:
        qs = qs.filter(type__code=type_code)
    if departement:
        covered = Partner.covered_departements.through.objects.filter(
            departement_id=departement
        ).values("partner_id")
        qs = qs.filter(Q(commune__departement_id=departement) | Q(pk__in=covered))
    if convention == "active":
        qs = qs.filter(has_active_convention=True)
    elif convention == "none":
        qs = qs.filter(has_active_convention=False)
    search = search.strip()
    if search:
        compact = search.replace(" ", "")
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(finess=compact.upper())
            | Q(siret=compact)
            | Q(commune__name__istartswith=search)
        )
    return qs


def partner_detail(partner: Partner) -> dict:
    """Contacts, conventions (with their parties) and covered territory of one partner."""
    return {
        "contacts": list(partner.contacts.all()),
        "conventions": list(
            partner.conventions.select_related("kind", "referent")
            .prefetch_related(Prefetch("parties", queryset=Partner.objects.only("pk", "name")))
            .order_by(STATUS_RANK, "-effective_on", "title")
        ),
        "departements": list(partner.covered_departements.all()),
        "communes": list(partner.covered_communes.select_related("departement")),
        "organisations": list(partner.organisations.all()),
    }


def convention_register(user, *, status: str = "", kind: str = "") -> QuerySet[Convention]:
    """The convention register (page, CSV, PDF): every convention the caller may see, with its
    kind, referent and parties prefetched (three queries in all)."""
    qs = (
        conventions_visible_to(user)
        .select_related("kind", "referent")
        .prefetch_related(
            Prefetch("parties", queryset=Partner.objects.select_related("type").order_by("name"))
        )
        .order_by(STATUS_RANK, "end_on", "title", "pk")
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind__code=kind)
    return qs


def convention_documents(convention: Convention) -> list[ConventionDocument]:
    return list(convention.documents.select_related("uploaded_by").order_by("doc_type", "-version"))


def convention_history(convention: Convention):
    return list(convention.events.select_related("actor"))


def convention_protocol(convention: Convention) -> Protocol | None:
    """The protocol of a convention of a protocol kind, with its people and task plan loaded
    (None for other kinds, or before its first edit)."""
    if not convention.is_protocol:
        return None
    return (
        Protocol.objects.filter(convention=convention)
        .select_related("specialty")
        .prefetch_related(*protocol_prefetch())
        .first()
    )


def _by_name():
    return User.objects.order_by("last_name", "first_name", "pk")


def protocol_prefetch(prefix: str = "") -> list:
    """A protocol's people by name and its tasks by day (the convention's page and the API,
    which reaches them through `protocol__`)."""
    return [
        Prefetch(f"{prefix}delegating_doctors", queryset=_by_name()),
        Prefetch(f"{prefix}delegates", queryset=_by_name()),
        f"{prefix}task_templates",
    ]


def document_get_for_user(user, convention_public_id, document_public_id) -> ConventionDocument:
    """A document the user may download, else 404: the convention's page lists only those, and
    a reader must not learn from a 403 that a draft or a signed copy exists."""
    convention = convention_get_for_user(user, convention_public_id)
    document = get_object_or_404(
        ConventionDocument.objects.select_related("convention"),
        convention=convention,
        public_id=document_public_id,
    )
    if not can_download_convention_document(user, document):
        raise Http404
    return document


def contact_get(partner: Partner, public_id) -> Contact:
    return get_object_or_404(Contact, partner=partner, public_id=public_id)


# ---------------------------------------------------------------------------------------------
# Home pages
# ---------------------------------------------------------------------------------------------
def conventions_to_renew(user, *, today=None) -> QuerySet[Convention]:
    """Binding conventions whose end date falls within the reminders' horizon (the managers'
    to-do), soonest first."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(REMINDER_THRESHOLDS))
    return (
        conventions_visible_to(user)
        .filter(status__in=BINDING_STATUSES, end_on__gte=today, end_on__lte=horizon)
        .order_by("end_on", "pk")
    )


def partners_under_convention() -> QuerySet[Partner]:
    """Partners bound to the ESS by a signed or active convention: public knowledge (the ESS
    names them in its health project), shown on the public front page."""
    bound = Convention.objects.filter(parties=OuterRef("pk"), status__in=BINDING_STATUSES)
    return (
        Partner.objects.filter(Exists(bound))
        .select_related("type", "commune")
        .order_by("type__position", "type__label", "name")
    )
