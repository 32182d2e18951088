"""How a transactional test's tables are emptied after it, on PostgreSQL.

Django empties every table after a transactional test (`flush`) with one TRUNCATE of all of
them: PostgreSQL then gives each table and index a new file and drops the old ones, seconds for
the whole schema, however few rows the test left. A DELETE of those few rows costs milliseconds.
Some tables are still truncated: those with rows whose triggers refuse a DELETE (the append-only
audit trail, a validated health project's frozen content), those holding thousands of rows (the
whole country's communes the migrations load, where a DELETE would check every foreign key
pointing at each row) and, as TRUNCATE wants them in the same statement, every table
referencing them. The foreign keys Django creates are checked at commit: the DELETEs may run in
any order. The result is the same: every table empty, the sequences where they were (Django's
TRUNCATE does not restart them either, unless asked to; then it is used as it is).

The reference tables the migrations fill (the territory, the specialties, the partners' kinds)
are not emptied at all while they hold what was loaded: a fingerprint of their rows, taken when
they were loaded (`reference_remember`), is compared at each flush. A test that changed them
has them emptied with the rest, and loaded again after (tests/conftest.py).
"""

from contextlib import contextmanager

from django.db.backends.postgresql.operations import DatabaseOperations

# Tables with a trigger of their own (not a foreign key's) on DELETE, tables holding many rows,
# and the foreign keys between tables.
TRIGGERED = """
SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger
WHERE NOT tgisinternal AND tgtype & 8 = 8
"""
LARGE = "SELECT relname FROM pg_stat_user_tables WHERE n_live_tup >= 5000"
REFERENCES = """
SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'
"""


def tables_to_truncate(connection, tables) -> set[str]:
    """The tables of `tables` better truncated (a trigger refusing a DELETE of their rows, or
    thousands of rows), with every table referencing them."""
    with connection.cursor() as cursor:
        cursor.execute(TRIGGERED)
        triggered = {name.strip('"') for (name,) in cursor.fetchall()} & set(tables)
        cursor.execute(LARGE)
        truncated = {name for (name,) in cursor.fetchall()} & set(tables)
        for table in sorted(triggered - truncated):
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {name})")  # noqa: S608 — a table name
            if cursor.fetchone()[0]:
                truncated.add(table)
        cursor.execute(REFERENCES)
        references = [(a.strip('"'), b.strip('"')) for a, b in cursor.fetchall()]
    grew = True
    while grew:
        referencing = {a for a, b in references if b in truncated and a in tables}
        grew = not referencing <= truncated
        truncated |= referencing
    return truncated


class _Reference:
    """The reference tables and the fingerprint of their rows when last loaded."""

    fingerprint: dict[str, tuple] | None = None
    emptied = False

    @staticmethod
    def tables() -> tuple[str, ...]:
        from ess.models import Commune, Departement, PostalCode, Region, Specialty
        from partners.models import ConventionKind, PartnerType

        models = (Region, Departement, Commune, PostalCode, Specialty, PartnerType, ConventionKind)
        return tuple(model._meta.db_table for model in models)

    @classmethod
    def read(cls, connection) -> dict[str, tuple]:
        fingerprint = {}
        with connection.cursor() as cursor:
            for table in cls.tables():
                name = connection.ops.quote_name(table)
                cursor.execute(
                    f"SELECT count(*), coalesce(sum(hashtext(t::text)), 0) FROM {name} t"  # noqa: S608
                )
                fingerprint[table] = cursor.fetchone()
        return fingerprint


def reference_remember(connection) -> None:
    """The reference tables hold what was just loaded: flushes keep them while it stays so."""
    _Reference.fingerprint = _Reference.read(connection)
    _Reference.emptied = False


def reference_emptied() -> bool:
    """Whether the last flush emptied the reference tables (they are to be loaded again)."""
    return _Reference.emptied


def _reference_kept(connection, tables) -> set[str]:
    reference = set(_Reference.tables())
    if not reference & set(tables):
        return set()
    unchanged = _Reference.fingerprint is not None
    unchanged = unchanged and _Reference.read(connection) == _Reference.fingerprint
    _Reference.emptied = not unchanged
    return reference if unchanged else set()


_django_sql_flush = DatabaseOperations.sql_flush


def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or allow_cascade or not tables:
        return _django_sql_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    kept = _reference_kept(self.connection, tables)
    tables = [table for table in tables if table not in kept]
    truncated = tables_to_truncate(self.connection, tables)
    sql = _django_sql_flush(self, style, sorted(truncated)) if truncated else []
    sql.append("SET CONSTRAINTS ALL DEFERRED;")
    sql.extend(
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
        for table in tables
        if table not in truncated
    )
    return sql


@contextmanager
def deleting_flush():
    """Within it, `flush` on PostgreSQL empties the tables as the module says."""
    DatabaseOperations.sql_flush = sql_flush
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = _django_sql_flush
