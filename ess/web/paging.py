"""Lists shown a page at a time."""

from django.core.paginator import Page, Paginator


def page_of(request, items, per_page: int) -> Page:
    """The page of `items` the query string asks for (`?page=`); the last one when it asks
    past the end, the first one when it asks for something that is not a number."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
