"""Database helpers the ORM does not offer as such: rows a service just wrote, known without
reading them back; an insert that yields to an existing row in one statement."""

from django.db import connections, router


def rows_known(obj, relation: str, rows: list) -> None:
    """From now on `obj.<relation>.all()` is `rows` (what the caller just wrote), without a
    query: the cache prefetch_related would fill. For a reverse relation whose accessor is
    its cache name (a `related_name`)."""
    queryset = getattr(obj, relation).all()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[relation] = queryset


def known_rows(obj, relation: str) -> list | None:
    """The rows of `obj.<relation>` already in memory (prefetched or rows_known), else None."""
    cached = getattr(obj, "_prefetched_objects_cache", {}).get(relation)
    return None if cached is None else list(cached)


def insert_unless_conflict(obj) -> bool:
    """INSERT `obj`'s row unless a unique constraint already holds a row with the same values
    (INSERT … ON CONFLICT DO NOTHING RETURNING the key): one statement where get_or_create or a
    savepoint around a failing INSERT take three to six. True when inserted (obj.pk is then
    set); False when the conflicting row was already there (or is being inserted by a
    concurrent transaction that then commits), nothing written and the transaction usable."""
    model = type(obj)
    meta = model._meta
    connection = connections[router.db_for_write(model, instance=obj)]
    fields = [
        field
        for field in meta.concrete_fields
        if not (field.primary_key and getattr(obj, field.attname) is None)
    ]
    quote = connection.ops.quote_name
    values = [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection=connection)
        for field in fields
    ]
    sql = (  # names from the model, quoted; values as parameters
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True


def lock_name(name: str, *, using: str = "default") -> None:
    """Serialise the transactions that take this name until they end (a PostgreSQL
    transaction-level advisory lock): for a check-then-insert with no row to lock yet, such as
    "not sent twice within minutes". SQLite serialises writers anyway. Call inside atomic()."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
