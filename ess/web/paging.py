"""Lists shown a page at a time."""

from functools import cached_property

from django.core.paginator import Page, Paginator

# The furthest page a capped count goes to; further pages show the last one.
MAX_PAGE = 100_000


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` rows (then says "more than"): on a table of
    millions, an exact COUNT costs as much as reading them all, and nobody pages that far. The
    count reads `cap + 1` rows at most, so one row more tells that the list goes on."""

    def __init__(self, object_list, per_page, *, cap: int, known: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.known = known

    @cached_property
    def count(self) -> int:
        if self.known is not None:
            return min(self.known, self.cap + 1)
        return min(self.object_list[: self.cap + 1].count(), self.cap + 1)

    @property
    def capped(self) -> bool:
        """True when there are more rows than counted ("plus de …")."""
        return self.count > self.cap


class ListedPaginator(CappedPaginator):
    """A capped paginator that reads the rows up to the cap once, and cuts the page from them:
    for a list whose every read costs as much as finding all its rows (a search), one read
    instead of two (the count, then the page). Meant for light rows (ids)."""

    @cached_property
    def _rows(self) -> list:
        return list(self.object_list[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return len(self._rows)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self._rows[bottom : bottom + self.per_page], number, self)


def page_of(
    request,
    items,
    per_page: int,
    *,
    count_cap: int | None = None,
    listed: bool = False,
    known_count: int | None = None,
) -> Page:
    """The page of `items` the query string asks for (`?page=`); the last one when it asks
    past the end, the first one when it asks for something that is not a number.

    With `count_cap`, rows are counted up to that many (or up to the page asked for and the
    next, when it lies further): the list says "plus de 1 000" instead of counting millions.
    `listed` (with `count_cap`): those rows are read in one query (ListedPaginator).
    `known_count` (with `count_cap`, not `listed`): how many items there are, when the caller
    has just counted them another way: they are not counted again."""
    number = request.GET.get("page")
    if count_cap is None:
        return Paginator(items, per_page).get_page(number)
    try:
        # A page number past any real list (a typo, a fuzzer's) would overflow the LIMIT.
        asked = min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        asked = 1
    cap = max(count_cap, (asked + 1) * per_page)
    if listed:
        return ListedPaginator(items, per_page, cap=cap).get_page(number)
    return CappedPaginator(items, per_page, cap=cap, known=known_count).get_page(number)
