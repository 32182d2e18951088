"""The audit trail (ess.models.AuditEvent) as FHIR `AuditEvent` resources: the search filters
(a patient's identifier, a user, a period), keyset paging, and one row's resource.

The trail holds identifiers only, and so do the resources: who (e-mail address, or "8" + RPPS),
what (the object's type and opaque identifier, its reference), when, from where, and whether it
was allowed. A patient's INS is added where the reader may see that patient.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent

from ess.models import AuditAction, AuditEvent, AuditOutcome, Team
from ess.validators import normalize_nir
from meetings.models import MeetingCase
from members.models import User
from pathways.models import Pathway, PathwayAlert, PathwayTask
from pathways.selectors import pathways_visible_to
from referrals.models import Attachment, InsOid, Patient, Referral
from referrals.selectors import referrals_visible_to

DICOM = "http://dicom.nema.org/resources/ontology/DCM"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
NETWORK_TYPE_IP = "2"
# The national directory of health professionals: "8" + RPPS (IdNatPs).
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
EMAIL_SYSTEM = "urn:ietf:rfc:3986"
# The trail's own vocabularies: the object's kind (app.model) and the action as recorded.
OBJECT_TYPE_SYSTEM = "urn:ess:audit:object-type"
OBJECT_ID_SYSTEM = "urn:ess:audit:object-id"
ACTION_SYSTEM = "urn:ess:audit:action"
INS_SYSTEMS = {f"urn:oid:{oid}": oid for oid in InsOid.values}

# What each action of the trail is in FHIR: the CRUDE code and the RESTful interaction.
FHIR_ACTIONS = {
    AuditAction.VIEW: ("R", "read"),
    AuditAction.DOWNLOAD: ("R", "read"),
    AuditAction.EXPORT: ("R", "read"),
    AuditAction.PRINT: ("R", "read"),
    AuditAction.CREATE: ("C", "create"),
    AuditAction.UPDATE: ("U", "update"),
}

DEFAULT_COUNT = 50
MAX_COUNT = 200


# ---------------------------------------------------------------------------------------------
# Which objects of the trail concern a patient
# ---------------------------------------------------------------------------------------------
def _ids(queryset: QuerySet, object_type: str) -> QuerySet:
    """(object type, public id) for each object of `queryset`."""
    return queryset.order_by().values_list(Value(object_type), "public_id")


# object type → (model, path from it to its patient). Each is the type a view records when it
# reveals (or refuses) that object; a meeting case reaches its patient two ways.
PATIENT_PATHS: dict[str, tuple[type, tuple[str, ...]]] = {
    "referrals.patient": (Patient, ("",)),
    "referrals.referral": (Referral, ("patient__",)),
    "referrals.attachment": (Attachment, ("referral__patient__",)),
    "pathways.pathway": (Pathway, ("patient__",)),
    "pathways.pathwaytask": (PathwayTask, ("pathway__patient__",)),
    "pathways.pathwayalert": (PathwayAlert, ("pathway__patient__",)),
    "meetings.meetingcase": (MeetingCase, ("referral__patient__", "pathway__patient__")),
}


def patient_objects(patient_pk: int) -> dict[str, list[str]]:
    """object type → the public ids of this patient's objects of that type: one query."""
    branches = []
    for object_type, (model, paths) in PATIENT_PATHS.items():
        of_patient = Q()
        for path in paths:
            of_patient |= Q(**{f"{path}pk" if path else "pk": patient_pk})
        branches.append(_ids(model.objects.filter(of_patient), object_type))
    found: dict[str, list[str]] = {}
    for object_type, public_id in branches[0].union(*branches[1:], all=True):
        # As the trail writes it: str(uuid), lowercase with hyphens.
        found.setdefault(object_type, []).append(str(public_id))
    return found


def patient_condition(patient_pk: int) -> Q:
    """The trail's rows about this patient: the patient itself and every object of theirs.

    The objects are read first and named in the condition: each branch is then an index
    condition on (object_type, object_id), and the planner weighs it by the trail's own
    statistics. As `IN (subquery)` inside an OR, no index could serve it: over millions of rows
    the trail would be walked by date, most of it read for a patient with few lines."""
    condition = Q(pk__in=[])
    for object_type, ids in patient_objects(patient_pk).items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    return condition


def patients_visible_to(user) -> QuerySet[Patient]:
    """The patients `user` may see named: those of a referral or a pathway they may see."""
    return Patient.objects.filter(
        Q(pk__in=referrals_visible_to(user).values("patient_id"))
        | Q(pk__in=pathways_visible_to(user).values("patient_id"))
    )


def ins_of_objects(rows: list[AuditEvent], *, user) -> dict[tuple[str, str], tuple[str, str]]:
    """(object type, object id) → (INS OID, INS) for the rows' objects whose patient has an INS
    and is visible to `user` (everyone's for None: the DPO's export run on the server). One
    query per kind of patient object present, whatever the number of rows."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.object_type in PATIENT_PATHS and _is_uuid(row.object_id):
            wanted.setdefault(row.object_type, set()).add(row.object_id)
    found = {}
    visible = None if user is None else patients_visible_to(user).values("pk")
    for object_type, ids in wanted.items():
        model, paths = PATIENT_PATHS[object_type]
        path = paths[0]
        # `> ""`: neither empty nor missing (a meeting case reached through its pathway).
        objects = model.objects.filter(public_id__in=ids, **{f"{path}ins__gt": ""})
        if visible is not None:
            objects = objects.filter(**{f"{path}pk__in": visible})
        for public_id, oid, ins in objects.values_list("public_id", f"{path}ins_oid", f"{path}ins"):
            found[(object_type, str(public_id))] = (oid or InsOid.NIR, ins)
    return found


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------
# Search parameters
# ---------------------------------------------------------------------------------------------
@dataclass
class Search:
    condition: Q = field(default_factory=Q)
    patient: Patient | None = None
    nothing: bool = False  # an identifier that names no one: an empty bundle
    count: int = DEFAULT_COUNT
    after: tuple[datetime, int] | None = None


SEARCH_PARAMETERS = frozenset(
    {
        "patient.identifier",
        "entity.identifier",
        "patient",
        "agent",
        "agent.identifier",
        "date",
        "_count",
        "_cursor",
        "_format",
    }
)


def parse_search(params) -> Search:
    """The search's filters from the query string (a QueryDict). Raises ValidationError with
    French messages for an unknown parameter or a value that cannot be read."""
    unknown = sorted(set(params) - SEARCH_PARAMETERS)
    if unknown:
        raise ValidationError(
            _("Paramètre de recherche non pris en charge : %(names)s (possibles : %(known)s).")
            % {
                "names": ", ".join(unknown),
                "known": ", ".join(sorted(SEARCH_PARAMETERS - {"_format"})),
            }
        )
    search = Search()
    for name in ("patient.identifier", "entity.identifier", "patient"):
        for value in params.getlist(name):
            _patient_or_object(search, name, value)
    for name in ("agent", "agent.identifier"):
        for value in params.getlist(name):
            # Read first (one query): the trail is then read by its (actor, at) index.
            actors = list(_agents(value).values_list("pk", flat=True))
            search.nothing = search.nothing or not actors
            search.condition &= Q(actor_id__in=actors)
    for value in params.getlist("date"):
        search.condition &= date_condition(value)
    if "_count" in params:
        raw = params.get("_count", "")
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError(_("_count : un nombre entier positif est attendu."))
        search.count = min(int(raw), MAX_COUNT)
    if "_cursor" in params:
        search.after = _cursor_read(params.get("_cursor", ""))
    return search


def _patient_or_object(search: Search, name: str, value: str) -> None:
    system, _bar, code = value.rpartition("|")
    code = code.strip()
    if name == "patient":
        # A reference to the patient: `Patient/<id>` or the id alone.
        code = code.removeprefix("Patient/")
        if not _is_uuid(code):
            raise ValidationError(_("patient : une référence Patient/<identifiant> est attendue."))
        _add_patient(search, Patient.objects.filter(public_id=code))
        return
    if system in INS_SYSTEMS or (name == "patient.identifier" and not system):
        ins = normalize_nir(code)
        if len(ins) != 15:
            raise ValidationError(
                _("%(name)s : un INS (NIR ou NIA) de 15 caractères est attendu.") % {"name": name}
            )
        patients = Patient.objects.filter(ins=ins)
        if system:
            patients = patients.filter(Q(ins_oid=INS_SYSTEMS[system]) | Q(ins_oid=""))
        _add_patient(search, patients)
        return
    if name == "patient.identifier":
        raise ValidationError(
            _("patient.identifier : système inconnu « %(system)s » (attendu : %(known)s).")
            % {"system": system, "known": ", ".join(INS_SYSTEMS)}
        )
    # entity.identifier with another system: the object's own identifier, as on /audit/.
    if not code or len(code) > 64:
        raise ValidationError(_("entity.identifier : identifiant d'objet attendu."))
    search.condition &= Q(object_id=code)


def _add_patient(search: Search, patients: QuerySet[Patient]) -> None:
    patient = patients.only("pk", "public_id", "ins", "ins_oid").first()
    if patient is None or (search.patient is not None and search.patient.pk != patient.pk):
        search.nothing = True
        return
    search.patient = patient
    search.condition &= patient_condition(patient.pk)


_RPPS_ID = re.compile(r"^8(\d{11})$")


def _agents(value: str) -> QuerySet[User]:
    _system, _bar, code = value.rpartition("|")
    code = code.strip().removeprefix("mailto:")
    if "@" in code:
        return User.objects.filter(email__iexact=code)
    match = _RPPS_ID.match(code)
    if match:
        return User.objects.filter(rpps=match.group(1))
    raise ValidationError(
        _(
            "agent : une adresse électronique ou un identifiant national (« 8 » suivi du RPPS) "
            "est attendu."
        )
    )


_DATE_PREFIXES = ("eq", "ge", "gt", "le", "lt", "sa", "eb")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def date_range(value: str) -> tuple[datetime, datetime]:
    """The instants a FHIR date covers, [start, end): a year, a month or a day in Europe/Paris,
    or a date-time to the second (Paris when it carries no offset)."""
    match = _PARTIAL_DATE.match(value)
    try:
        if match:
            year, month, day = match.groups()
            if day:
                start = date(int(year), int(month), int(day))
                return day_start(start), day_start(start + timedelta(days=1))
            if month:
                start = date(int(year), int(month), 1)
                following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
                return day_start(start), day_start(following)
            start = date(int(year), 1, 1)
            return day_start(start), day_start(date(start.year + 1, 1, 1))
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("date : « %(value)s » n'est pas une date (AAAA-MM-JJ) ni une date et heure.")
            % {"value": value}
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    moment = moment.replace(microsecond=0)
    return moment, moment + timedelta(seconds=1)


def date_condition(raw: str) -> Q:
    prefix, value = (raw[:2], raw[2:]) if raw[:2] in _DATE_PREFIXES else ("eq", raw)
    if raw[:2].isalpha() and raw[:2] not in _DATE_PREFIXES:
        raise ValidationError(
            _("date : préfixe « %(prefix)s » non pris en charge (possibles : %(known)s).")
            % {"prefix": raw[:2], "known": ", ".join(_DATE_PREFIXES)}
        )
    start, end = date_range(value)
    return {
        "eq": Q(at__gte=start, at__lt=end),
        "ge": Q(at__gte=start),
        "gt": Q(at__gte=end),
        "sa": Q(at__gte=end),
        "le": Q(at__lt=end),
        "lt": Q(at__lt=start),
        "eb": Q(at__lt=start),
    }[prefix]


# ---------------------------------------------------------------------------------------------
# Keyset paging: newest first, the next page starts after the last row's (at, pk)
# ---------------------------------------------------------------------------------------------
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def cursor_of(row: AuditEvent) -> str:
    # Whole microseconds, no float on the way: rows of the same instant are told apart by pk.
    return f"{(row.at - _EPOCH) // _MICROSECOND}.{row.pk}"


def _cursor_read(raw: str) -> tuple[datetime, int]:
    micros, _dot, pk = raw.partition(".")
    if not (micros.isdigit() and pk.isdigit() and len(micros) <= 18 and len(pk) <= 18):
        raise ValidationError(_("_cursor : curseur de page illisible."))
    try:
        at = _EPOCH + int(micros) * _MICROSECOND
    except OverflowError:
        raise ValidationError(_("_cursor : curseur de page illisible.")) from None
    return at, int(pk)


def search_rows(events: QuerySet[AuditEvent], search: Search) -> QuerySet[AuditEvent]:
    """The rows the search matches from its cursor on, newest first."""
    if search.nothing:
        return events.none()
    rows = events.filter(search.condition)
    if search.after is not None:
        at, pk = search.after
        # `at <= x` keeps the (at) index usable; the OR then settles the ties.
        rows = rows.filter(Q(at__lte=at) & (Q(at__lt=at) | Q(pk__lt=pk)))
    return rows.select_related("actor").order_by("-at", "-pk")


def search_page(events: QuerySet[AuditEvent], search: Search) -> tuple[list[AuditEvent], bool]:
    """One page of rows (newest first) and whether more follow: one query."""
    page = list(search_rows(events, search)[: search.count + 1])
    return page[: search.count], len(page) > search.count


# ---------------------------------------------------------------------------------------------
# One row → one AuditEvent
# ---------------------------------------------------------------------------------------------
def observer() -> dict:
    """The ESS, which observed and recorded every event of its trail (one query)."""
    team = Team.current()
    return {"display": team.name if team else "ESS"}


def _coding(system: str, code: str, display: str = "") -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _agent(row: AuditEvent) -> dict:
    agent: dict = {"requestor": True}
    email = row.actor_email or (row.actor.email if row.actor else "")
    national_id = row.actor.national_id if row.actor else ""
    if national_id:
        agent["who"] = {
            "identifier": {"system": RPPS_SYSTEM, "value": national_id},
            "display": email or national_id,
        }
    elif email:
        agent["who"] = {
            "identifier": {"system": EMAIL_SYSTEM, "value": f"mailto:{email}"},
            "display": email,
        }
    else:
        agent["name"] = _("anonyme")
    if row.via:
        agent["altId"] = row.via
    if row.ip_address:
        agent["network"] = {"address": row.ip_address, "type": NETWORK_TYPE_IP}
    return agent


def as_resource(
    row: AuditEvent, *, source: dict, ins: tuple[str, str] | None = None
) -> FhirAuditEvent:
    """The row as a validated AuditEvent. `ins` is the (OID, INS) of the row's patient, given
    only where the reader may see it."""
    crude, interaction = FHIR_ACTIONS.get(row.action, ("R", "read"))
    if row.via:
        event_type = _coding(AUDIT_EVENT_TYPE, "rest", "RESTful Operation")
    else:
        event_type = _coding(DICOM, "110110", "Patient Record")
    is_patient = row.object_type == "referrals.patient"
    what: dict = {"identifier": {"system": OBJECT_ID_SYSTEM, "value": row.object_id}}
    if row.object_label:
        what["display"] = row.object_label
    entities = [
        {
            "what": what,
            "type": _coding(OBJECT_TYPE_SYSTEM, row.object_type),
            "role": _coding(OBJECT_ROLE, "1", "Patient")
            if is_patient
            else _coding(OBJECT_ROLE, "4", "Domain Resource"),
        }
    ]
    if ins is not None:
        oid, value = ins
        entities.append(
            {
                "what": {"identifier": {"system": f"urn:oid:{oid}", "value": value}},
                "type": _coding(ENTITY_TYPE, "1", "Person"),
                "role": _coding(OBJECT_ROLE, "1", "Patient"),
            }
        )
    refused = row.outcome == AuditOutcome.REFUSED
    resource = {
        "resourceType": "AuditEvent",
        "id": str(row.pk),
        "type": event_type,
        "subtype": [
            _coding(RESTFUL_INTERACTION, interaction),
            _coding(ACTION_SYSTEM, row.action, str(AuditAction(row.action).label)),
        ],
        "action": crude,
        "recorded": row.at.isoformat(),
        "outcome": "4" if refused else "0",
        "agent": [_agent(row)],
        "source": {
            "observer": source,
            "type": [_coding(SOURCE_TYPE, "4", "Application Server")],
        },
        "entity": entities,
    }
    if refused:
        resource["outcomeDesc"] = _("Accès refusé (objet inexistant ou non autorisé).")
    return FhirAuditEvent.model_validate(resource)


def resources(
    rows: list[AuditEvent], *, user, source: dict, patient: Patient | None = None
) -> list[FhirAuditEvent]:
    """The rows' resources, with the INS of each row's patient where `user` may see it (a
    constant number of queries). For a search by patient, `patient` names it on every row."""
    if patient is not None:
        visible = user is None or patients_visible_to(user).filter(pk=patient.pk).exists()
        ins = (patient.ins_oid or InsOid.NIR, patient.ins) if visible and patient.ins else None
        return [as_resource(row, source=source, ins=ins) for row in rows]
    found = ins_of_objects(rows, user=user)
    return [
        as_resource(row, source=source, ins=found.get((row.object_type, row.object_id)))
        for row in rows
    ]
