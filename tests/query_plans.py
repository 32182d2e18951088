"""Whether an index can serve a query: its plan with sequential scans forbidden (a small test
table would otherwise be scanned whatever the indexes)."""

from django.db import connection


def plan_without_seqscan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())
