"""Availability for the SAS (service d'accès aux soins): `GET /fhir/Slot` and `/fhir/Schedule`,
in the style of the ANS guide "Gestion d'agenda partagé" (GAP) the SAS consumes.

Only the free places members opened to the SAS (scheduling/selectors/sas.py), for platforms
holding the `slots` scope. A place is a Slot; its Schedule is one practitioner at one place
(a site, the place typed for a slot, or teleconsultation); the Schedule's actors are the
Practitioner (identifier "8" + RPPS), their PractitionerRole (specialty) and the Location
(`sas_resources.py`). None of these resources says anything about a patient. Every resource is
validated with `fhir.resources` before it leaves. The search parameters and the searchset
Bundle are read and built in `sas_search.py`.
"""

import logging
import uuid
from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot
from rest_framework.response import Response

from interop.fhir.sas_resources import (
    SESSION_PLACE_ID,
    actor_resources,
    location_id,
    role_id,
    schedule_id,
    schedule_resource,
    slot_resource,
)
from interop.fhir.sas_search import (
    MAX_DAYS,
    actor_types,
    free_places,
    paging,
    parse_error,
    query_tokens,
    references,
    sas_filters,
    searchset,
)
from interop.fhir.views import FhirView, register_capability
from interop.models import PlatformScope
from scheduling.selectors.sas import SasFilters, SasPlace, sas_free_places, sas_place_get

logger = logging.getLogger(__name__)

# A read of one Slot or Schedule looks this far ahead.
READ_HORIZON = timedelta(days=366)
SLOT_STATUSES = {"free", "busy", "busy-unavailable", "busy-tentative", "entered-in-error"}


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------
class SlotSearch(FhirView):
    """`GET /fhir/Slot?start=ge…&start=lt…&specialty=…&address-city=…&_include=Slot:schedule`."""

    def get(self, request):
        platform = self.require_platform_scope(request, PlatformScope.SLOTS)
        params = request.query_params
        filters = sas_filters(params, "start")
        count, offset = paging(params)
        statuses = set(query_tokens(params, "status"))
        if statuses - SLOT_STATUSES:
            raise parse_error(
                "status : valeurs possibles : " + ", ".join(sorted(SLOT_STATUSES)) + "."
            )
        places = free_places(filters, params) if not statuses or "free" in statuses else []
        page = places[offset : offset + count]
        matches = [slot_resource(p) for p in page]
        includes = []
        if "Slot:schedule" in query_tokens(params, "_include"):
            horizon = (filters.start, filters.end)
            includes += [schedule_resource(p, horizon) for p in page]
            types = actor_types(params)
            for p in page:
                includes += actor_resources(p, types)
        bundle = searchset(
            request, matches, includes, total=len(places), offset=offset, count=count
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
        if match := SESSION_PLACE_ID.match(id):
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
        filters = sas_filters(params, "date")
        count, offset = paging(params)
        actors = references(params, ("actor",), None)
        by_schedule: dict[str, SasPlace] = {}
        for place in free_places(filters, params):
            by_schedule.setdefault(schedule_id(place), place)
        firsts = list(by_schedule.values())
        if actors:
            firsts = [p for p in firsts if actors & _actor_ids(p)]
        page = firsts[offset : offset + count]
        horizon = (filters.start, filters.end)
        matches = [schedule_resource(p, horizon) for p in page]
        types = actor_types(params)
        includes = [r for p in page for r in actor_resources(p, types)]
        bundle = searchset(
            request, matches, includes, total=len(firsts), offset=offset, count=count
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
