"""The SAS resources of a place opened to it (interop/fhir/slots.py): the Slot, its Schedule (one
practitioner at one place: a site, the place typed for a slot, or teleconsultation) and the
Schedule's actors, the Practitioner (identifier "8" + RPPS), their PractitionerRole (specialty)
and the Location. Plain dicts, validated by the Bundle or the read that carries them; none of
them says anything about a patient.
"""

import re
import uuid
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from ess.text import fold
from scheduling.selectors.sas import SasPlace

# The national identifier of health professionals ("8" + RPPS).
IDNPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
IDNPS_TYPE = {"coding": [{"system": "http://interopsante.org/CodeSystem/v2-0203", "code": "IDNPS"}]}
# Ids of the resources that have no row of their own (a role, a typed place, a schedule):
# derived from what makes them, so they stay the same from one search to the next.
ID_NAMESPACE = uuid.UUID("5b0c6f0e-3f55-4d53-9a43-5a5f8d7c2e11")

URGENT = "soins-non-programmes"
ADVANCED = "consultation-avancee"
SERVICE_LABELS = {
    URGENT: "Consultation de soins non programmés",
    ADVANCED: "Consultation avancée",
}


def tag_system() -> str:
    return settings.ESS_FHIR_URLS["sas_tag"]


def specialty_system() -> str:
    return settings.ESS_FHIR_URLS["specialty"]


def instant(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Ids
# ---------------------------------------------------------------------------------------------
SESSION_PLACE_ID = re.compile(r"^([0-9a-f]{32})-(\d{1,4})$")


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
    return {"tag": [{"system": tag_system(), "code": "sas", "display": "Ouvert au SAS"}]}


def _specialty(place: SasPlace) -> list[dict]:
    specialty = place.specialty
    return [
        {
            "coding": [
                {
                    "system": specialty_system(),
                    "code": specialty.code,
                    "display": specialty.label,
                }
            ],
            "text": specialty.label,
        }
    ]


def _service_type(place: SasPlace) -> list[dict]:
    code = ADVANCED if place.session is not None else URGENT
    concept = {"coding": [{"system": tag_system(), "code": code, "display": SERVICE_LABELS[code]}]}
    types = [concept]
    if place.teleconsultation:
        types.append(
            {
                "coding": [{"system": tag_system(), "code": "teleconsultation"}],
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
        "start": instant(place.starts_at),
        "end": instant(place.ends_at),
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
        "planningHorizon": {"start": instant(horizon[0]), "end": instant(horizon[1])},
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
