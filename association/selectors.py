"""Reads of the association's life: who sees which assembly, attendance and quorum, the fees
paid and owed for a year."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from association import permissions as perms
from association.models import (
    Attendance,
    AttendanceMode,
    FeePayment,
    FeeYear,
    GeneralAssembly,
    Resolution,
)
from members.models import Membership, MembershipStatus


def assemblies_visible_to(user) -> QuerySet[GeneralAssembly]:
    """The only definition of who sees which assembly: the management every one, a member
    those convened or held."""
    assemblies = GeneralAssembly.objects.all()
    if perms.can_manage_association(user):
        return assemblies
    if perms.is_member(user):
        return assemblies.filter(status__in=perms.MEMBER_VISIBLE_STATUSES)
    return assemblies.none()


def assembly_get_for_user(user, public_id) -> GeneralAssembly:
    """404 for "does not exist" and "not yours" alike."""
    return get_object_or_404(assemblies_visible_to(user), public_id=public_id)


def active_members() -> QuerySet[Membership]:
    return Membership.objects.filter(status=MembershipStatus.ACTIVE, user__is_active=True)


def assembly_list(user) -> list[GeneralAssembly]:
    """The assemblies the user sees, the latest first, each with its counts of present and
    represented members (one query; a GROUP BY query ignores the model's ordering, hence the
    explicit one)."""
    return list(
        assemblies_visible_to(user)
        .annotate(
            present_count=Count("attendances", filter=Q(attendances__mode=AttendanceMode.PRESENT)),
            represented_count=Count(
                "attendances", filter=Q(attendances__mode=AttendanceMode.REPRESENTED)
            ),
        )
        .order_by("-starts_at", "-pk")
    )


def assembly_attendances(assembly: GeneralAssembly) -> list[Attendance]:
    return list(assembly.attendances.select_related("membership", "proxy_holder"))


def assembly_resolutions(assembly: GeneralAssembly) -> list[Resolution]:
    return list(assembly.resolutions.all())


@dataclass(frozen=True)
class Quorum:
    members: int  # members counted
    required: int  # present or represented needed
    present: int
    represented: int

    @property
    def counted(self) -> int:
        return self.present + self.represented

    @property
    def reached(self) -> bool:
        return self.counted >= self.required


def quorum_required(members: int, fraction: Decimal) -> int:
    """Present or represented members needed: the fraction of the members, rounded up (at least
    one)."""
    return max(1, math.ceil(Decimal(members) * fraction))


def assembly_quorum(assembly: GeneralAssembly, attendances: list[Attendance] | None = None):
    """The quorum of an assembly: over the members counted when it was held, or today's active
    members before."""
    if attendances is None:
        attendances = assembly_attendances(assembly)
    members = assembly.members_count
    if members is None:
        members = active_members().count()
    present = sum(1 for a in attendances if a.mode == AttendanceMode.PRESENT)
    return Quorum(
        members=members,
        required=quorum_required(members, assembly.quorum),
        present=present,
        represented=len(attendances) - present,
    )


def fee_years() -> list[FeeYear]:
    return list(FeeYear.objects.annotate(paid_count=Count("payments")))


@dataclass(frozen=True)
class FeeStatus:
    fee_year: FeeYear
    payments: list[FeePayment]
    unpaid: list[Membership]

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))


def fee_status(fee_year: FeeYear) -> FeeStatus:
    """Who paid the year's fee (with date, amount and means), and the active members who have
    not yet (two queries)."""
    payments = list(fee_year.payments.select_related("membership"))
    paid = {p.membership_id for p in payments}
    unpaid = [m for m in active_members().order_by("last_name", "first_name") if m.pk not in paid]
    return FeeStatus(fee_year=fee_year, payments=payments, unpaid=unpaid)


def member_fees(membership: Membership) -> list[dict]:
    """A member's fee status for each year: the year's amount and their payment, if any."""
    years = FeeYear.objects.prefetch_related(
        Prefetch(
            "payments",
            queryset=FeePayment.objects.filter(membership=membership),
            to_attr="own_payments",
        )
    )
    return [
        {"fee_year": y, "payment": y.own_payments[0] if y.own_payments else None} for y in years
    ]
