"""The search parameters of `GET /fhir/Slot` and `/fhir/Schedule` (interop/fhir/slots.py) read into
the SAS filters, and the `searchset` Bundle that answers them, a page at a time.
"""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from fhir.resources.R4B.bundle import Bundle
from rest_framework import exceptions

from interop.fhir.sas_resources import (
    IDNPS_SYSTEM,
    instant,
    location_id,
    schedule_id,
    specialty_system,
)
from scheduling.selectors.sas import SasFilters, SasPlace, sas_free_places

DEFAULT_DAYS = 7
MAX_DAYS = 31
DEFAULT_COUNT = 50
MAX_COUNT = 200
NO_MATCH = ("",)  # a filter nothing matches (e.g. a specialty of another code system)


# ---------------------------------------------------------------------------------------------
# Search parameters
# ---------------------------------------------------------------------------------------------
def parse_error(text: str):
    return exceptions.ParseError(text)


def _moment(raw: str, *, upper: bool, inclusive: bool) -> datetime:
    """A date or a date-time of a search parameter as an instant; a date is its whole day (Paris):
    `ge2026-12-05` starts at its midnight, `le2026-12-05` ends at the next one."""
    moment = parse_datetime(raw) if "T" in raw else None
    if moment is not None:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # Kept as [start, end): a "le" or "gt" instant moves one microsecond on.
        return moment + timedelta(microseconds=1) if upper == inclusive else moment
    day = parse_date(raw) if "T" not in raw else None
    if day is None:
        raise ValueError(raw)
    if upper == inclusive:
        day += timedelta(days=1)  # le / gt a day: up to, or from, the next midnight
    return timezone.make_aware(datetime.combine(day, time.min))


def parse_period(values: list[str], name: str) -> tuple[datetime, datetime]:
    """`start=ge…&start=lt…` (also gt, le, eq or no prefix for a whole day or instant); the
    next seven days by default, from now; at most MAX_DAYS days."""
    start = end = None
    for value in values:
        for raw in value.split(","):
            # A "+01:00" offset sent unencoded in the query string arrives as " 01:00".
            raw = raw.strip().replace(" ", "+")
            prefix, text = (raw[:2], raw[2:]) if raw[:2].isalpha() else ("eq", raw)
            try:
                if prefix in ("ge", "gt", "sa"):
                    start = _moment(text, upper=False, inclusive=prefix == "ge")
                elif prefix in ("lt", "le", "eb"):
                    end = _moment(text, upper=True, inclusive=prefix == "le")
                elif prefix == "eq":
                    start = _moment(text, upper=False, inclusive=True)
                    end = (
                        start + timedelta(microseconds=1)
                        if "T" in text
                        else _moment(text, upper=True, inclusive=True)
                    )
                else:
                    raise parse_error(
                        f"{name} : préfixe « {prefix} » non pris en charge (ge, gt, le, lt, eq)."
                    )
            except ValueError:
                raise parse_error(
                    f"{name} : « {raw} » n'est pas une date (AAAA-MM-JJ) ni une date-heure "
                    "(AAAA-MM-JJThh:mm:ss+01:00)."
                ) from None
    if start is None:
        start = timezone.now() if end is None else end - timedelta(days=DEFAULT_DAYS)
    if end is None:
        end = start + timedelta(days=DEFAULT_DAYS)
    if end <= start:
        raise parse_error(f"{name} : la fin de la période doit suivre son début.")
    if end - start > timedelta(days=MAX_DAYS):
        raise parse_error(
            f"{name} : la période demandée dépasse {MAX_DAYS} jours ; découpez la recherche."
        )
    return start, end


def query_tokens(params, *names: str) -> list[str]:
    return [
        t.strip() for name in names for v in params.getlist(name) for t in v.split(",") if t.strip()
    ]


def _specialties(params) -> tuple[str, ...]:
    tokens = query_tokens(params, "specialty")
    if not tokens:
        return ()
    codes = []
    for token in tokens:
        system, _, code = token.rpartition("|")
        if not system or system == specialty_system():
            codes.append(code)
    return tuple(codes) or NO_MATCH


def _national_ids(params) -> tuple[str, ...]:
    tokens = query_tokens(
        params, "schedule.actor:Practitioner.identifier", "actor:Practitioner.identifier"
    )
    if not tokens:
        return ()
    ids = []
    for token in tokens:
        system, _, value = token.rpartition("|")
        if not system or system == IDNPS_SYSTEM:
            ids.append(value)
    return tuple(ids) or NO_MATCH


def references(params, names: tuple[str, ...], resource_type: str | None) -> set[str]:
    """The ids of `Type/id` references (or bare ids); `resource_type` None: any type."""
    refs = set()
    for token in query_tokens(params, *names):
        kind, _, ident = token.rpartition("/")
        if kind and resource_type and kind.rsplit("/", 1)[-1] != resource_type:
            refs.add("")  # another kind of reference: matches nothing
        else:
            refs.add(ident)
    return refs


def int_param(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise parse_error(f"{name} : un nombre entier est attendu.") from None
    if value < 0:
        raise parse_error(f"{name} : un nombre positif est attendu.")
    return min(value, maximum) if maximum is not None else value


def paging(params) -> tuple[int, int]:
    """The page a search asks for: `_count` (DEFAULT_COUNT, MAX_COUNT at most) and `_offset`."""
    return int_param(params, "_count", DEFAULT_COUNT, MAX_COUNT), int_param(params, "_offset", 0)


def sas_filters(params, period_name: str) -> SasFilters:
    start, end = parse_period(params.getlist(period_name), period_name)
    return SasFilters(
        start=start,
        end=end,
        specialties=_specialties(params),
        city=(params.get("address-city") or "").strip()[:100],
        postal_code=(params.get("address-postalcode") or "").strip()[:5],
        national_ids=_national_ids(params),
    )


def actor_types(params) -> set[str]:
    """The actor types asked by `_include(:iterate)=Schedule:actor[:Type]`."""
    types: set[str] = set()
    for value in query_tokens(params, "_include", "_include:iterate"):
        parts = value.split(":")
        if parts[:2] == ["Schedule", "actor"]:
            types |= (
                {parts[2]} if len(parts) > 2 else {"Practitioner", "PractitionerRole", "Location"}
            )
    return types


# ---------------------------------------------------------------------------------------------
# Bundles
# ---------------------------------------------------------------------------------------------
def _base(request) -> str:
    return request.build_absolute_uri("/fhir/").rstrip("/")


def _page_url(request, offset: int) -> str:
    items = [(k, v) for k, vs in request.query_params.lists() for v in vs if k != "_offset"]
    items.append(("_offset", str(offset)))
    return f"{_base(request)}{request.path[len('/fhir') :]}?{urlencode(items)}"


def searchset(
    request, matches: list[dict], includes: list[dict], *, total: int, offset: int, count: int
):
    """The page of a search: its matches, then the resources they include (each once).

    `_count=0` asks for the total only (FHIR search, "_count"): no entries, and no `next` or
    `previous` link, which would lead back to the same empty page."""
    base = _base(request)
    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if count > 0 and offset + count < total:
        links.append({"relation": "next", "url": _page_url(request, offset + count)})
    if count > 0 and offset > 0:
        links.append({"relation": "previous", "url": _page_url(request, max(0, offset - count))})
    entries = [
        {
            "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": mode},
        }
        for mode, resources in (("match", matches), ("include", _unique(includes)))
        for r in resources
    ]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "timestamp": instant(timezone.now()),
            "total": total,
            "link": links,
            "entry": entries,
        }
    )


def _unique(resources: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for resource in resources:
        key = (resource["resourceType"], resource["id"])
        if key not in seen:
            seen.add(key)
            kept.append(resource)
    return kept


def free_places(filters: SasFilters, params) -> list[SasPlace]:
    """The free places of the search, with the filters that are computed per place."""
    places = sas_free_places(filters)
    locations = references(params, ("location", "schedule.actor:Location"), "Location")
    if locations:
        places = [p for p in places if location_id(p) in locations]
    schedules = references(params, ("schedule",), "Schedule")
    if schedules:
        places = [p for p in places if schedule_id(p) in schedules]
    return places
