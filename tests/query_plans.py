"""Whether an index can serve a query: its plan with sequential scans forbidden (a small test
table would otherwise be scanned whatever the indexes)."""

from django.db import connection


def plan_without_seqscan(queryset, *, in_index_order: bool = False) -> str:
    """The plan; `in_index_order`: the order comes from an index, also with sorts forbidden
    (a small test table would otherwise be sorted whatever the indexes), and the plan says so
    (it has no Sort)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if in_index_order:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    if in_index_order:
        assert "Sort" not in plan, plan
    return plan
