"""Count, mean and percentiles of one value per row, computed by the database in one query.

PostgreSQL: percentile_cont in the aggregate. SQLite (the embedded default) has no percentile_cont:
the values are numbered in order by a window function and only the (at most four) rows the
percentiles fall between come back, interpolated here exactly as percentile_cont does. Never a
loop over every row in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import DurationField, ExpressionWrapper, F, Func, QuerySet
from django.db.models import FloatField as FloatOutput

from reports.domain import interpolate

MEDIAN, P90 = 0.5, 0.9


@dataclass(frozen=True)
class Distribution:
    count: int
    mean: float | None
    median: float | None
    p90: float | None


NOTHING = Distribution(count=0, mean=None, median=None, p90=None)


class Seconds(Func):
    """Seconds from `start` to `end` (two datetime columns) as a number, on both databases."""

    output_field = FloatOutput()

    def __init__(self, end: str, start: str) -> None:
        super().__init__(
            ExpressionWrapper(F(end) - F(start), output_field=DurationField()),
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # date_part gives a float8; EXTRACT a numeric (PostgreSQL 14+), whose sorting and
        # averaging took three times as long over a quarter's first responses.
        return self.as_sql(compiler, connection, template="date_part('epoch', %(expressions)s)")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores a SQLite duration as whole microseconds.
        return self.as_sql(compiler, connection, template="(%(expressions)s) / 1000000.0")


def distribution_of(values: QuerySet) -> Distribution:
    """`values`: a queryset of one annotated column named `v` (`.values_list("v")`), nulls
    already left out."""
    try:
        sql, params = values.order_by().query.sql_with_params()
    except EmptyResultSet:  # e.g. a head whose department is gone: nothing to count
        return NOTHING
    # Where the ORM would have read `values` (the replica while counting report figures).
    connection = connections[values.db]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The percentiles sort every value: in memory (a million floats is some 40 MB) rather
            # than in temporary files as the default work_mem has it. SET LOCAL in the same
            # query string: psycopg2 sends it as one simple query, which PostgreSQL runs as one
            # (implicit) transaction, so the setting ends with it; psycopg2 returns the last
            # statement's rows.
            cursor.execute(
                "SET LOCAL work_mem = '64MB';"
                "SELECT COUNT(v), AVG(v),"
                f" percentile_cont({MEDIAN}) WITHIN GROUP (ORDER BY v),"
                f" percentile_cont({P90}) WITHIN GROUP (ORDER BY v)"
                f" FROM ({sql}) AS t",
                params,
            )
            count, mean, median, p90 = cursor.fetchone()
            return Distribution(
                count=count, mean=_float(mean), median=_float(median), p90=_float(p90)
            )
        # The rows at percentile_cont's two positions for each fraction: floor and floor + 1.
        cursor.execute(
            "SELECT v, rn, n, mean FROM ("
            " SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS rn, COUNT(*) OVER () AS n,"
            " AVG(v) OVER () AS mean"
            f" FROM ({sql}) AS t"
            ") WHERE rn - 1 - CAST(%s * (n - 1) AS INTEGER) IN (0, 1)"
            " OR rn - 1 - CAST(%s * (n - 1) AS INTEGER) IN (0, 1)",
            [*params, MEDIAN, P90],
        )
        rows = cursor.fetchall()
    if not rows:
        return NOTHING
    at = {rn: float(v) for v, rn, _n, _mean in rows}
    count, mean = rows[0][2], float(rows[0][3])
    return Distribution(
        count=count,
        mean=mean,
        median=interpolate(at, count, MEDIAN),
        p90=interpolate(at, count, P90),
    )


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
