"""Availability for the SAS (service d'accès aux soins): `GET /fhir/Slot` and `/fhir/Schedule`,
in the style of the ANS guide "Gestion d'agenda partagé" (GAP) the SAS consumes.

Only the free places members opened to the SAS (scheduling/selectors/sas.py), for platforms
holding the `slots` scope. A place is a Slot; its Schedule is one practitioner at one place
(a site, the place typed for a slot, or teleconsultation); the Schedule's actors are the
Practitioner (identifier "8" + RPPS), their PractitionerRole (specialty) and the Location. None of
these resources says anything about a patient. Every resource is validated with `fhir.resources`
before it leaves.
"""

import logging
import re
import uuid
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot
from rest_framework import exceptions
from rest_framework.response import Response

from ess.text import fold
from interop.fhir.views import FhirView, register_capability
from interop.models import PlatformScope
from scheduling.selectors.sas import SasFilters, SasPlace, sas_free_places, sas_place_get

logger = logging.getLogger(__name__)

# The national identifier of health professionals ("8" + RPPS).
IDNPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
IDNPS_TYPE = {"coding": [{"system": "http://interopsante.org/CodeSystem/v2-0203", "code": "IDNPS"}]}
# Ids of the resources that have no row of their own (a role, a typed place, a schedule):
# derived from what makes them, so they stay the same from one search to the next.
ID_NAMESPACE = uuid.UUID("5b0c6f0e-3f55-4d53-9a43-5a5f8d7c2e11")
DEFAULT_DAYS = 7
MAX_DAYS = 31
DEFAULT_COUNT = 50
MAX_COUNT = 200
# A read of one Slot or Schedule looks this far ahead.
READ_HORIZON = timedelta(days=366)
SLOT_STATUSES = {"free", "busy", "busy-unavailable", "busy-tentative", "entered-in-error"}
NO_MATCH = ("",)  # a filter nothing matches (e.g. a specialty of another code system)

URGENT = "soins-non-programmes"
ADVANCED = "consultation-avancee"
SERVICE_LABELS = {
    URGENT: "Consultation de soins non programmés",
    ADVANCED: "Consultation avancée",
}


def _tag_system() -> str:
    return settings.ESS_FHIR_URLS["sas_tag"]


def _specialty_system() -> str:
    return settings.ESS_FHIR_URLS["specialty"]


def _instant(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Ids
# ---------------------------------------------------------------------------------------------
_SESSION_PLACE_ID = re.compile(r"^([0-9a-f]{32})-(\d{1,4})$")


def slot_id(place: SasPlace) -> str:
    if place.session is not None:
        return f"{place.session.public_id.hex}-{place.position}"
    return str(place.slot.public_id)


def _derived(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "|".join(parts)))


def location_id(place: SasPlace) -> str | None:
    if place.site is not None:
        return str(place.site.public_id)
    if place.teleconsultation:
        return None
    return _derived("place", fold(place.place))


def role_id(place: SasPlace) -> str:
    return _derived("role", str(place.specialist.public_id), place.specialty.code)


def schedule_id(place: SasPlace) -> str:
    return _derived(
        "schedule",
        str(place.specialist.public_id),
        place.specialty.code,
        location_id(place) or "teleconsultation",
    )


# ---------------------------------------------------------------------------------------------
# Resources (plain dicts; the Bundle, or the read, validates them)
# ---------------------------------------------------------------------------------------------
def _meta() -> dict:
    return {"tag": [{"system": _tag_system(), "code": "sas", "display": "Ouvert au SAS"}]}


def _specialty(place: SasPlace) -> list[dict]:
    specialty = place.specialty
    return [
        {
            "coding": [
                {
                    "system": _specialty_system(),
                    "code": specialty.code,
                    "display": specialty.label,
                }
            ],
            "text": specialty.label,
        }
    ]


def _service_type(place: SasPlace) -> list[dict]:
    code = ADVANCED if place.session is not None else URGENT
    concept = {"coding": [{"system": _tag_system(), "code": code, "display": SERVICE_LABELS[code]}]}
    types = [concept]
    if place.teleconsultation:
        types.append(
            {
                "coding": [{"system": _tag_system(), "code": "teleconsultation"}],
                "text": "Téléconsultation",
            }
        )
    return types


def slot_resource(place: SasPlace, *, free: bool = True) -> dict:
    return {
        "resourceType": "Slot",
        "id": slot_id(place),
        "meta": _meta(),
        "serviceType": _service_type(place),
        "specialty": _specialty(place),
        "schedule": {"reference": f"Schedule/{schedule_id(place)}"},
        "status": "free" if free else "busy",
        "start": _instant(place.starts_at),
        "end": _instant(place.ends_at),
    }


def schedule_resource(place: SasPlace, horizon: tuple[datetime, datetime]) -> dict:
    actors = [
        {"reference": f"Practitioner/{place.specialist.public_id}"},
        {"reference": f"PractitionerRole/{role_id(place)}"},
    ]
    if (location := location_id(place)) is not None:
        actors.append({"reference": f"Location/{location}"})
    return {
        "resourceType": "Schedule",
        "id": schedule_id(place),
        "meta": _meta(),
        "active": True,
        "serviceType": _service_type(place),
        "specialty": _specialty(place),
        "actor": actors,
        "planningHorizon": {"start": _instant(horizon[0]), "end": _instant(horizon[1])},
    }


def practitioner_resource(place: SasPlace) -> dict:
    user = place.specialist
    name = {"family": user.last_name or user.email.split("@")[0]}
    if user.display_name.startswith("Dr "):
        name["prefix"] = ["Dr"]
    if user.first_name:
        name["given"] = [user.first_name]
    return {
        "resourceType": "Practitioner",
        "id": str(user.public_id),
        "identifier": [
            {
                "use": "official",
                "type": IDNPS_TYPE,
                "system": IDNPS_SYSTEM,
                "value": user.national_id,
            }
        ],
        "active": True,
        "name": [name],
    }


def practitioner_role_resource(place: SasPlace) -> dict:
    role = {
        "resourceType": "PractitionerRole",
        "id": role_id(place),
        "active": True,
        "practitioner": {"reference": f"Practitioner/{place.specialist.public_id}"},
        "specialty": _specialty(place),
    }
    if (location := location_id(place)) is not None:
        role["location"] = [{"reference": f"Location/{location}"}]
    return role


def location_resource(place: SasPlace) -> dict | None:
    location = location_id(place)
    if location is None:
        return None
    if place.site is not None:
        site = place.site
        commune = site.commune
        address = {
            "use": "work",
            "type": "physical",
            "text": site.full_address,
            "line": [site.address],
            "city": commune.name,
            "district": commune.departement_id,
            "country": "FR",
        }
        if postal := commune.main_postal_code:
            address["postalCode"] = postal
        return {
            "resourceType": "Location",
            "id": location,
            "status": "active",
            "name": site.name,
            "mode": "instance",
            "address": address,
        }
    return {
        "resourceType": "Location",
        "id": location,
        "status": "active",
        "name": place.place,
        "mode": "instance",
        "address": {"use": "work", "type": "physical", "text": place.place, "country": "FR"},
    }


def actor_resources(place: SasPlace, types: set[str]) -> list[dict]:
    resources = []
    if "Practitioner" in types:
        resources.append(practitioner_resource(place))
    if "PractitionerRole" in types:
        resources.append(practitioner_role_resource(place))
    if "Location" in types and (location := location_resource(place)) is not None:
        resources.append(location)
    return resources


# ---------------------------------------------------------------------------------------------
# Search parameters
# ---------------------------------------------------------------------------------------------
def _bad(text: str):
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
                    raise _bad(
                        f"{name} : préfixe « {prefix} » non pris en charge (ge, gt, le, lt, eq)."
                    )
            except ValueError:
                raise _bad(
                    f"{name} : « {raw} » n'est pas une date (AAAA-MM-JJ) ni une date-heure "
                    "(AAAA-MM-JJThh:mm:ss+01:00)."
                ) from None
    if start is None:
        start = timezone.now() if end is None else end - timedelta(days=DEFAULT_DAYS)
    if end is None:
        end = start + timedelta(days=DEFAULT_DAYS)
    if end <= start:
        raise _bad(f"{name} : la fin de la période doit suivre son début.")
    if end - start > timedelta(days=MAX_DAYS):
        raise _bad(
            f"{name} : la période demandée dépasse {MAX_DAYS} jours ; découpez la recherche."
        )
    return start, end


def _tokens(params, *names: str) -> list[str]:
    return [
        t.strip() for name in names for v in params.getlist(name) for t in v.split(",") if t.strip()
    ]


def _specialties(params) -> tuple[str, ...]:
    tokens = _tokens(params, "specialty")
    if not tokens:
        return ()
    codes = []
    for token in tokens:
        system, _, code = token.rpartition("|")
        if not system or system == _specialty_system():
            codes.append(code)
    return tuple(codes) or NO_MATCH


def _national_ids(params) -> tuple[str, ...]:
    tokens = _tokens(
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


def _references(params, names: tuple[str, ...], resource_type: str | None) -> set[str]:
    """The ids of `Type/id` references (or bare ids); `resource_type` None: any type."""
    refs = set()
    for token in _tokens(params, *names):
        kind, _, ident = token.rpartition("/")
        if kind and resource_type and kind.rsplit("/", 1)[-1] != resource_type:
            refs.add("")  # another kind of reference: matches nothing
        else:
            refs.add(ident)
    return refs


def _int(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(f"{name} : un nombre entier est attendu.") from None
    if value < 0:
        raise _bad(f"{name} : un nombre positif est attendu.")
    return min(value, maximum) if maximum is not None else value


def _filters(params, period_name: str) -> SasFilters:
    start, end = parse_period(params.getlist(period_name), period_name)
    return SasFilters(
        start=start,
        end=end,
        specialties=_specialties(params),
        city=(params.get("address-city") or "").strip()[:100],
        postal_code=(params.get("address-postalcode") or "").strip()[:5],
        national_ids=_national_ids(params),
    )


def _actor_types(params) -> set[str]:
    """The actor types asked by `_include(:iterate)=Schedule:actor[:Type]`."""
    types: set[str] = set()
    for value in _tokens(params, "_include", "_include:iterate"):
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
    base = _base(request)
    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if offset + count < total:
        links.append({"relation": "next", "url": _page_url(request, offset + count)})
    if offset > 0:
        links.append({"relation": "previous", "url": _page_url(request, max(0, offset - count))})
    entries = [
        {
            "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": mode},
        }
        for mode, resources in (("match", matches), ("include", includes))
        for r in resources
    ]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "timestamp": _instant(timezone.now()),
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


def _places(filters: SasFilters, params) -> list[SasPlace]:
    """The free places of the search, with the filters that are computed per place."""
    places = sas_free_places(filters)
    locations = _references(params, ("location", "schedule.actor:Location"), "Location")
    if locations:
        places = [p for p in places if location_id(p) in locations]
    schedules = _references(params, ("schedule",), "Schedule")
    if schedules:
        places = [p for p in places if schedule_id(p) in schedules]
    return places


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------
class SlotSearch(FhirView):
    """`GET /fhir/Slot?start=ge…&start=lt…&specialty=…&address-city=…&_include=Slot:schedule`."""

    def get(self, request):
        platform = self.require_platform_scope(request, PlatformScope.SLOTS)
        params = request.query_params
        filters = _filters(params, "start")
        count = _int(params, "_count", DEFAULT_COUNT, MAX_COUNT)
        offset = _int(params, "_offset", 0)
        statuses = set(_tokens(params, "status"))
        if statuses - SLOT_STATUSES:
            raise _bad("status : valeurs possibles : " + ", ".join(sorted(SLOT_STATUSES)) + ".")
        places = _places(filters, params) if not statuses or "free" in statuses else []
        page = places[offset : offset + count]
        matches = [slot_resource(p) for p in page]
        includes = []
        if "Slot:schedule" in _tokens(params, "_include"):
            horizon = (filters.start, filters.end)
            includes += [schedule_resource(p, horizon) for p in page]
            types = _actor_types(params)
            for p in page:
                includes += actor_resources(p, types)
        bundle = searchset(
            request, matches, _unique(includes), total=len(places), offset=offset, count=count
        )
        logger.info(
            "FHIR Slot search by platform %s: %d free place(s)", platform.public_id, len(places)
        )
        return Response(bundle)


class SlotRead(FhirView):
    """`GET /fhir/Slot/{id}`: a place opened to the SAS, free or since taken (`busy`)."""

    def get(self, request, id):
        self.require_platform_scope(request, PlatformScope.SLOTS)
        found = None
        if match := _SESSION_PLACE_ID.match(id):
            found = sas_place_get(
                session_id=uuid.UUID(match[1]), position=int(match[2]), horizon=READ_HORIZON
            )
        else:
            try:
                found = sas_place_get(slot_id=uuid.UUID(id), horizon=READ_HORIZON)
            except ValueError:
                found = None
        if found is None:
            raise Http404
        place, free = found
        return Response(Slot.model_validate(slot_resource(place, free=free)))


class ScheduleSearch(FhirView):
    """`GET /fhir/Schedule?date=ge…&date=lt…&specialty=…&_include=Schedule:actor`: the schedules
    (one practitioner at one place) that have free places opened to the SAS in the period."""

    def get(self, request):
        platform = self.require_platform_scope(request, PlatformScope.SLOTS)
        params = request.query_params
        filters = _filters(params, "date")
        count = _int(params, "_count", DEFAULT_COUNT, MAX_COUNT)
        offset = _int(params, "_offset", 0)
        actors = _references(params, ("actor",), None)
        by_schedule: dict[str, SasPlace] = {}
        for place in _places(filters, params):
            by_schedule.setdefault(schedule_id(place), place)
        firsts = list(by_schedule.values())
        if actors:
            firsts = [p for p in firsts if actors & _actor_ids(p)]
        page = firsts[offset : offset + count]
        horizon = (filters.start, filters.end)
        matches = [schedule_resource(p, horizon) for p in page]
        types = _actor_types(params)
        includes = [r for p in page for r in actor_resources(p, types)]
        bundle = searchset(
            request, matches, _unique(includes), total=len(firsts), offset=offset, count=count
        )
        logger.info(
            "FHIR Schedule search by platform %s: %d schedule(s)", platform.public_id, len(firsts)
        )
        return Response(bundle)


def _actor_ids(place: SasPlace) -> set[str]:
    return {str(place.specialist.public_id), role_id(place), location_id(place) or ""} - {""}


class ScheduleRead(FhirView):
    """`GET /fhir/Schedule/{id}`: a schedule that still has free places opened to the SAS."""

    def get(self, request, id):
        self.require_platform_scope(request, PlatformScope.SLOTS)
        now = timezone.now()
        places = [
            p
            for p in sas_free_places(SasFilters(start=now, end=now + READ_HORIZON))
            if schedule_id(p) == id
        ]
        if not places:
            raise Http404
        horizon = (now, max(p.ends_at for p in places))
        return Response(Schedule.model_validate(schedule_resource(places[0], horizon)))


_SEARCH_PARAMS = [
    {"name": "specialty", "type": "token", "documentation": "Spécialité (code)"},
    {"name": "address-city", "type": "string", "documentation": "Commune du lieu"},
    {"name": "address-postalcode", "type": "string", "documentation": "Code postal du lieu"},
    {
        "name": "schedule.actor:Practitioner.identifier",
        "type": "token",
        "documentation": "Identifiant national du praticien (8 + RPPS)",
    },
    {"name": "_count", "type": "number"},
    {"name": "_offset", "type": "number"},
]

register_capability(
    {
        "type": "Slot",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchInclude": ["Slot:schedule", "Schedule:actor"],
        "searchParam": [
            {
                "name": "start",
                "type": "date",
                "documentation": f"Période (ge/lt), {MAX_DAYS} jours au plus",
            },
            {"name": "status", "type": "token", "documentation": "free"},
            {"name": "schedule", "type": "reference"},
            {"name": "location", "type": "reference", "documentation": "Location/{id}"},
            *_SEARCH_PARAMS,
        ],
    }
)
register_capability(
    {
        "type": "Schedule",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchInclude": ["Schedule:actor"],
        "searchParam": [
            {
                "name": "date",
                "type": "date",
                "documentation": f"Période (ge/lt), {MAX_DAYS} jours au plus",
            },
            {"name": "actor", "type": "reference"},
            *_SEARCH_PARAMS,
        ],
    }
)
