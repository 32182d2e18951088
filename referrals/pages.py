"""Pages of a referral list, newest first, read from the indexes of the visibility branches.

A user sees the referrals matching any of the branches of `visibility_branches` (sent, kept
informed of as GP, held, offered...). Filtered by their OR, PostgreSQL reads every matching
referral and sorts them before keeping a page: the cost grows with the user's history. Here
each branch reads, in order from its own index, at most as many ids as the page needs; the
UNION of those short lists gives the page's ids, then the page's rows are read by id through
`referrals_visible_to`, which stays the only definition of what the user may see.
"""

from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from referrals.models import Referral, Status
from referrals.selectors import (
    referral_search_condition,
    referrals_visible_to,
    visibility_branches,
)

NEWEST_FIRST = ("-submitted_at", "-pk")


class ReferralPages:
    """A referral list for `Paginator` (Django's or DRF's): `count()` and slices.

    `rows` shapes the page's rows (select_related, annotations...): it is given the visible
    referrals filtered on the page's ids. With `first`, referrals matching it come before the
    others (each group newest first): "Mes demandes" puts what waits for the requester first.
    A slice costs two queries for the ids (one without `first`), then those of `rows`."""

    ordered = True  # for Paginator's warning on unordered lists

    def __init__(self, user, *, filters: Q | None = None, first: Q | None = None, rows=None):
        self.user = user
        self.filters = filters or Q()
        self.first = first
        self.rows = rows or (lambda qs: qs)
        self.branches = visibility_branches(user)

    def count(self) -> int:
        return referrals_visible_to(self.user).filter(self.filters).count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("ReferralPages only takes slices")
        start, stop = index.start or 0, index.stop
        if stop is None or stop <= start:
            return []
        ids = self.ids(start, stop)
        if not ids:
            return []
        by_id = {r.pk: r for r in self.rows(referrals_visible_to(self.user).filter(pk__in=ids))}
        return [by_id[pk] for pk in ids if pk in by_id]

    def ids(self, start: int, stop: int) -> list[int]:
        if self.first is None:
            return self._ids(self.filters, start, stop)
        leading = self._ids(self.filters & self.first, 0, stop)
        ids = leading[start:stop]
        if len(ids) < stop - start:
            # Fewer than `stop` lead: `leading` holds them all.
            rest_start = max(0, start - len(leading))
            rest_stop = rest_start + (stop - start - len(ids))
            ids += self._ids(self.filters & ~self.first, rest_start, rest_stop)
        return ids

    def _ids(self, condition: Q, start: int, stop: int) -> list[int]:
        if not self.branches:
            return []
        return [pk for pk, _submitted_at in self.ids_query(condition, start, stop)]

    def ids_query(self, condition: Q, start: int, stop: int) -> QuerySet:
        """(id, submitted_at) of rows [start:stop) of the visible referrals matching `condition`,
        newest first: each branch gives its first `stop`, their UNION (duplicates merged) is
        sorted and cut."""
        if len(self.branches) == 1:
            return self._branch(self.branches[0] & condition)[start:stop]
        if not connection.features.supports_slicing_ordering_in_compound:
            # SQLite (the demo's few rows) cannot cut the parts of a UNION: their OR.
            return self._branch(reduce(or_, self.branches) & condition)[start:stop]
        parts = [self._branch(branch & condition)[:stop] for branch in self.branches]
        return parts[0].union(*parts[1:]).order_by(*NEWEST_FIRST)[start:stop]

    @staticmethod
    def _branch(condition: Q) -> QuerySet:
        return (
            Referral.objects.filter(condition)
            .order_by(*NEWEST_FIRST)
            .values_list("pk", "submitted_at")
        )


def referral_list_for_requester(user, *, status: str = "", search: str = "") -> ReferralPages:
    """'Mes demandes': what the requester (or their organisation) sent; what waits for the
    requester (information asked for) first, then newest first. Pages read from the indexes of
    each visibility branch (referrals.pages)."""
    filters = Q()
    if status:
        filters &= Q(status=status)
    if search:
        filters &= referral_search_condition(search)
    return ReferralPages(
        user,
        filters=filters,
        # Filtered on one status, nothing waits before the rest: one query for the ids.
        first=None if status else Q(status=Status.INFO_REQUESTED),
        rows=_requester_rows,
    )


def _requester_rows(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    # The patient is read for the page's rows only: joined, PostgreSQL may hash every patient.
    return (
        referrals.select_related("specialty", "specialist", "requester")
        .prefetch_related("patient")
        .annotate(
            waits_for_requester=Case(
                When(status=Status.INFO_REQUESTED, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
