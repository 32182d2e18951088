"""Database helpers the ORM does not offer as such: rows a service just wrote, known without
reading them back."""


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
