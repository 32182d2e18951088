"""The database expressions and the small helpers every source of `compute.py` shares: hours
between two instants, PostgreSQL's percentiles (and the same interpolation in Python for SQLite),
one-row aggregates put side by side in one statement, a rate with its base, a figure rounded to
a tenth."""

import math

from django.db import connection
from django.db.models import Aggregate, FloatField, Func, QuerySet, Value


class HoursBetween(Func):
    """(end - start) in hours, as a float."""

    output_field = FloatField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s)) * 24.0",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: percentile_cont(f) WITHIN GROUP (ORDER BY expr)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation, as percentile_cont does."""
    if not values:
        return None
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def rate(numerator: int, denominator: int) -> dict:
    value = round(100 * numerator / denominator, 1) if denominator else None
    return {"value": value, "n": denominator, "count": numerator}


def tenth(value) -> float | None:
    return round(value, 1) if value is not None else None


def one_row(queryset: QuerySet, **aggregates) -> QuerySet:
    """`aggregates` over the whole queryset as a query of one row (no GROUP BY: grouping by a
    constant is no grouping), to be put beside others by `side_by_side`."""
    return queryset.order_by().values(_all=Value(1)).annotate(**aggregates).values(*aggregates)


def side_by_side(parts: list[QuerySet]) -> dict:
    """The one-row queries of `one_row`, in one statement: {aggregate name: value}. Every part
    is an aggregate without GROUP BY, so it gives exactly one row even over no rows."""
    names, sqls, params = [], [], []
    for part in parts:
        sql, part_params = part.query.sql_with_params()
        names += list(part.query.annotation_select)
        sqls.append(f"({sql}) AS part{len(sqls)}")
        params += part_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(names)} FROM {', '.join(sqls)}", params)  # noqa: S608 (our names, the ORM's SQL)
        return dict(zip(names, cursor.fetchone(), strict=True))
