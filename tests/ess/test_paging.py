"""Lists read once: a search's rows up to the cap, the page cut from them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ess.models import AuditEvent
from ess.web.paging import page_of
from tests.ess.test_audit_page import _events


def test_a_listed_page_reads_its_rows_once_and_says_more_than_past_the_cap(rf, db):
    _events(130)
    events = AuditEvent.objects.order_by("pk").values_list("pk", flat=True)

    with CaptureQueriesContext(connection) as queries:
        second = page_of(rf.get("/", {"page": "2"}), events, 20, count_cap=50, listed=True)
        rows = list(second.object_list)

    assert len(queries.captured_queries) == 1
    assert second.paginator.capped and second.paginator.count == 61  # up to page 3, and one
    assert rows == list(events[20:40])


def test_a_page_whose_count_is_known_reads_its_rows_and_counts_nothing(rf, db):
    _events(60)
    events = AuditEvent.objects.order_by("pk").values_list("pk", flat=True)

    with CaptureQueriesContext(connection) as queries:
        second = page_of(rf.get("/", {"page": "2"}), events, 25, count_cap=100, known_count=60)
        rows = list(second.object_list)

    assert [q["sql"] for q in queries.captured_queries if "COUNT" in q["sql"]] == []
    assert len(queries.captured_queries) == 1
    assert second.paginator.num_pages == 3 and not second.paginator.capped
    assert rows == list(events[25:50])
