"""Pagination of the API's lists: {count, next, previous, results}."""

from rest_framework.pagination import PageNumberPagination


class PageNumberPaginationV31(PageNumberPagination):
    """DRF's page-number pagination, described for OpenAPI 3.1: `next` and `previous` are null
    on the last and first pages (3.0's `nullable`, which DRF writes, means nothing in 3.1)."""

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            field = described["properties"][link]
            field.pop("nullable", None)
            field["type"] = ["string", "null"]
        return described
