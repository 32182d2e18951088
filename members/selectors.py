"""Reads on people: invitations, memberships and the directory, governance.

`memberships_visible_to` and `directory_visible_to` are the only definitions of who sees which
membership; pages, CSV export and API start from them."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ess.models import Specialty
from ess.permissions import can_invite_users
from ess.roles import STAFF_ROLES, Role
from ess.validators import normalize_identifier
from members import permissions as perms
from members.models import (
    DirectoryEntry,
    DirectoryIdType,
    GovernanceRole,
    Invitation,
    Membership,
    MembershipStatus,
    Participation,
    PracticeMode,
    PracticeSite,
    Registration,
    RegistrationStatus,
    SpecialtyHeadcount,
    User,
)

# Members the directory lists: validated by a manager (account being activated) or active.
LISTED_STATUSES = (MembershipStatus.VALIDATED, MembershipStatus.ACTIVE)
# "Jean-Pierre de La Fontaine" is five words: past that, extra words only add cost.
DIRECTORY_SEARCH_MAX_WORDS = 6


def invitations_visible_to(user) -> QuerySet[Invitation]:
    """Managers see every invitation; nobody else sees any."""
    if can_invite_users(user):
        return Invitation.objects.select_related("organisation", "invited_by", "user")
    return Invitation.objects.none()


def authority_accounts_visible_to(user) -> QuerySet[User]:
    """The ARS/CPAM accounts (active or not): managers see every one; nobody else any."""
    if not perms.can_manage_authority_accounts(user):
        return User.objects.none()
    return User.objects.filter(role_grants__role=Role.AUTHORITY).distinct()


def authority_account_get_for_user(user, public_id) -> User:
    """404 for "does not exist", "not an authority account" and "not yours to manage" alike."""
    return get_object_or_404(authority_accounts_visible_to(user), public_id=public_id)


def registrations_visible_to(user) -> QuerySet[Registration]:
    """The coordination sees every self-registration; nobody else sees any."""
    if perms.can_review_registrations(user):
        return Registration.objects.select_related("entry", "user")
    return Registration.objects.none()


def registration_get_for_user(user, public_id) -> Registration:
    return get_object_or_404(registrations_visible_to(user), public_id=public_id)


def registrations_to_review(user) -> QuerySet[Registration]:
    """Registrations waiting for the coordination, oldest first."""
    return registrations_visible_to(user).filter(status=RegistrationStatus.PENDING)


def registrations_decided(user, *, limit: int = 20) -> QuerySet[Registration]:
    """The latest decisions on registrations from outside the territory."""
    return (
        registrations_visible_to(user)
        .filter(status__in=[RegistrationStatus.OPEN, RegistrationStatus.REFUSED])
        .filter(events__actor__isnull=False)
        .distinct()
        .order_by("-updated_at")[:limit]
    )


# ---------------------------------------------------------------------------------------------
# Memberships and the directory
# ---------------------------------------------------------------------------------------------
def _with_entry(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    """What a directory entry shows, in a fixed number of queries whatever the page size."""
    return qs.select_related("specialty").prefetch_related(
        "competences", Prefetch("sites", queryset=PracticeSite.objects.select_related("commune"))
    )


def memberships_visible_to(user) -> QuerySet[Membership]:
    """Managers see every membership, applications included; a member sees their own."""
    if perms.can_manage_memberships(user):
        return Membership.objects.all()
    if user and user.is_authenticated:
        return Membership.objects.filter(user=user)
    return Membership.objects.none()


def membership_get_for_user(user, public_id) -> Membership:
    """404 for "does not exist" and "not yours" alike."""
    return get_object_or_404(
        memberships_visible_to(user).select_related("specialty", "user"), public_id=public_id
    )


def membership_of(user) -> Membership | None:
    """The person's current (open) membership, if any."""
    if not user or not user.is_authenticated:
        return None
    return (
        _with_entry(Membership.objects.filter(user=user))
        .exclude(status__in=[MembershipStatus.REFUSED, MembershipStatus.LEFT])
        .first()
    )


def membership_queue(user, *, status: str = "") -> QuerySet[Membership]:
    """The managers' list: applications to review first, then everyone by name."""
    qs = memberships_visible_to(user).select_related("specialty")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "last_name", "first_name")


def ess_members() -> QuerySet[User]:
    """The people of the ESS: its staff and its active members (an ETP session's facilitators,
    a residents' supervisor, a case meeting's participants are chosen among them)."""
    active_member = Membership.objects.filter(user=OuterRef("pk"), status=MembershipStatus.ACTIVE)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role_grants__role__in=STAFF_ROLES) | Exists(active_member))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def directory_visible_to(user) -> QuerySet[Membership]:
    """Listed members, for every signed-in professional (permissions.can_view_directory)."""
    if not perms.can_view_directory(user):
        return Membership.objects.none()
    return _with_entry(Membership.objects.filter(status__in=LISTED_STATUSES))


def listed_members() -> QuerySet[Membership]:
    """Listed members by name, for pickers (no entry details)."""
    return Membership.objects.filter(status__in=LISTED_STATUSES).order_by("last_name", "first_name")


def public_directory() -> QuerySet[Membership]:
    """Listed members who agreed to appear on the public page."""
    return _with_entry(Membership.objects.filter(status__in=LISTED_STATUSES, is_public=True))


def directory_search(
    qs: QuerySet[Membership],
    *,
    specialty: str = "",
    competence: str = "",
    commune: str = "",
    departement: str = "",
    participation: str = "",
    q: str = "",
) -> QuerySet[Membership]:
    """Filter directory entries. Sites are matched in subqueries: a member with two sites in
    the same commune is listed once."""
    if specialty:
        qs = qs.filter(specialty__code=specialty)
    if competence:
        qs = qs.filter(competences__code=competence)
    if commune:
        qs = qs.filter(
            Exists(PracticeSite.objects.filter(membership=OuterRef("pk"), commune_id=commune))
        )
    if departement:
        qs = qs.filter(
            Exists(
                PracticeSite.objects.filter(
                    membership=OuterRef("pk"), commune__departement_id=departement
                )
            )
        )
    if participation in Participation.values:
        qs = qs.filter(**{participation: True})
    # Each word adds a condition to the query; a pasted paragraph must not build thousands.
    for word in q.split()[:DIRECTORY_SEARCH_MAX_WORDS]:
        qs = qs.filter(Q(last_name__istartswith=word) | Q(first_name__istartswith=word))
    return qs.order_by("last_name", "first_name", "pk")


def governance_visible_to(user) -> list[GovernanceRole]:
    """The ESS's organisation (current functions), for its members and staff."""
    if not perms.can_view_organisation(user):
        return []
    today = timezone.localdate()
    return list(
        GovernanceRole.objects.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("membership", "membership__specialty")
        .order_by("kind", "membership__last_name")
    )


def governance_history(user) -> list[GovernanceRole]:
    """Every function ever recorded, newest first (managers)."""
    if not perms.can_manage_memberships(user):
        return []
    return list(
        GovernanceRole.objects.select_related("membership").order_by("-starts_on", "kind")[:200]
    )


def representativeness(user) -> list[dict]:
    """Per specialty: listed members, and those in liberal practice (a mixed practice does not
    count) against the specialists of the territory (entered by a manager), as a share. Two
    queries."""
    if not perms.can_manage_memberships(user):
        return []
    members = {
        specialty: (n, liberal)
        for specialty, n, liberal in Membership.objects.filter(
            status__in=LISTED_STATUSES, specialty__isnull=False
        )
        .order_by()
        .values_list("specialty")
        .annotate(n=Count("pk"), liberal=Count("pk", filter=Q(practice_mode=PracticeMode.LIBERAL)))
        .values_list("specialty", "n", "liberal")
    }
    counts = dict(SpecialtyHeadcount.objects.values_list("specialty", "territory_count"))
    rows = []
    for specialty in Specialty.objects.filter(Q(pk__in=members) | Q(pk__in=counts)):
        (n, liberal), total = members.get(specialty.pk, (0, 0)), counts.get(specialty.pk)
        rows.append(
            {
                "specialty": specialty,
                "members": n,
                "liberal": liberal,
                "territory": total,
                "share": (100 * liberal / total) if total else None,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Home pages
# ---------------------------------------------------------------------------------------------
def membership_applications(user) -> QuerySet[Membership]:
    """Applications waiting for a manager's decision (the managers' to-do), oldest first."""
    return memberships_visible_to(user).filter(status=MembershipStatus.APPLIED).order_by("pk")


def listed_members_by_specialty() -> list[dict]:
    """How many listed members each specialty has ({"code", "label", "members"}), for the public
    front page: counts, never names. One query."""
    return list(
        Membership.objects.filter(status__in=LISTED_STATUSES, specialty__isnull=False)
        .values(code=F("specialty__code"), label=F("specialty__label"))
        .annotate(members=Count("pk"))
        .order_by("label")
    )


def directory_entry_for_rpps(rpps: str) -> DirectoryEntry | None:
    """The national directory's line for this RPPS number, or None (unknown to the directory,
    or no longer practising)."""
    return DirectoryEntry.objects.filter(
        id_type=DirectoryIdType.RPPS, identifier=normalize_identifier(rpps), has_activity=True
    ).first()
