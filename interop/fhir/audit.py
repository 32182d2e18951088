"""Access traces: the audit trail as FHIR `AuditEvent` resources, searched at
`/fhir/AuditEvent` (by patient identifier, by user, by period) and exported in bulk as NDJSON
at `/audit/export.ndjson`, for those who may read the trail (ess.permissions.can_view_audit,
the rule of the `/audit/` page). A registered platform never reads it. Each read of the trail is
itself written to the trail (docs/interop.md)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from fhir.resources.R4B.bundle import Bundle
from rest_framework import exceptions
from rest_framework.response import Response

from ess.api_auth import FrenchCsrfSessionAuthentication, HashedTokenAuthentication
from ess.audit import audit_record, audit_refusal
from ess.models import AuditAction, AuditEvent
from ess.permissions import can_view_audit, require
from ess.selectors import audit_events_visible_to
from interop.fhir.audit_events import (
    cursor_of,
    observer,
    parse_search,
    resources,
    search_page,
)
from interop.fhir.audit_export import export_period, ndjson_lines
from interop.fhir.auth import calling_platform
from interop.fhir.views import FhirView, register_capability

FHIR_NDJSON = "application/fhir+ndjson"
# The page's export covers a year at most; longer periods go through the command.
EXPORT_MAX_DAYS = 366
# How the trail names itself as the object read (an audit row about the trail).
TRAIL_ID = "journal"


class _Trail:
    """The audit trail as the object of a read: `audit_record` writes its type and id."""

    _meta = AuditEvent._meta
    public_id = TRAIL_ID


TRAIL = _Trail()


class SessionReadAuthentication(FrenchCsrfSessionAuthentication):
    """A signed-in person's session, for reads only (the trail is searched from a browser too);
    no write of `/fhir/` ever rests on a cookie."""

    def authenticate(self, request):
        if request.method not in ("GET", "HEAD"):
            return None
        return super().authenticate(request)


def _may_read_trail(request) -> None:
    """403 for a platform and for anyone who may not open `/audit/`, recorded as refused."""
    with audit_refusal(
        request=request,
        object_type=AuditEvent._meta.label_lower,
        object_id=TRAIL_ID,
        action=AuditAction.VIEW,
    ):
        if calling_platform(request) is not None:
            raise exceptions.PermissionDenied(
                _("Une plateforme raccordée ne peut pas lire le journal d'audit.")
            )
        if not can_view_audit(request.user):
            raise exceptions.PermissionDenied(
                _("Le journal d'audit est réservé à la direction de l'ESS.")
            )


class AuditEventSearch(FhirView):
    """`GET /fhir/AuditEvent`: a Bundle (searchset) of the trail's rows, newest first, paged by
    a cursor (`next` link)."""

    # People of the ESS read the trail too: their API token, or their session for a read.
    authentication_classes = [
        *FhirView.authentication_classes,
        HashedTokenAuthentication,
        SessionReadAuthentication,
    ]

    def get(self, request):
        _may_read_trail(request)
        try:
            search = parse_search(request.query_params)
        except ValidationError as error:
            raise exceptions.ValidationError({"detail": error.messages}) from None
        rows, more = search_page(audit_events_visible_to(request.user), search)
        entries = resources(rows, user=request.user, source=observer(), patient=search.patient)
        base = request.build_absolute_uri(request.path)
        links = [{"relation": "self", "url": request.build_absolute_uri()}]
        if more:
            kept = [(k, v) for k, v in request.query_params.lists() if k != "_cursor"]
            query = [(k, v) for k, values in kept for v in values]
            query.append(("_cursor", cursor_of(rows[-1])))
            links.append({"relation": "next", "url": f"{base}?{urlencode(query)}"})
        bundle = Bundle.model_validate(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "link": links,
                "entry": [{"resource": r, "search": {"mode": "match"}} for r in entries],
            }
        )
        if search.patient is not None:
            audit_record(
                request=request,
                action=AuditAction.VIEW,
                obj=search.patient,
                label=_("traces d'accès (AuditEvent)"),
            )
        else:
            audit_record(
                request=request,
                action=AuditAction.VIEW,
                obj=TRAIL,
                label=_("recherche AuditEvent"),
            )
        return Response(bundle)


register_capability(
    {
        "type": "AuditEvent",
        "interaction": [{"code": "search-type"}],
        "searchParam": [
            {
                "name": "patient.identifier",
                "type": "token",
                "documentation": "INS du patient : urn:oid:1.2.250.1.213.1.4.8|<NIR>",
            },
            {"name": "patient", "type": "reference"},
            {"name": "entity.identifier", "type": "token"},
            {
                "name": "agent.identifier",
                "type": "token",
                "documentation": "Adresse électronique ou « 8 » + RPPS",
            },
            {"name": "agent", "type": "reference"},
            {"name": "date", "type": "date", "documentation": "Jours en heure de Paris"},
        ],
    }
)


@login_required
@require_GET
def audit_export_ndjson(request):
    """The trail of a period (`debut`, `fin`: days, inclusive) as NDJSON, one AuditEvent per
    line, oldest first, streamed. A bad period goes back to `/audit/` with its reason."""
    with audit_refusal(
        request=request,
        object_type=AuditEvent._meta.label_lower,
        object_id=TRAIL_ID,
        action=AuditAction.EXPORT,
    ):
        require(can_view_audit(request.user))
    try:
        start, end = export_period(
            request.GET.get("debut"), request.GET.get("fin"), max_days=EXPORT_MAX_DAYS
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("audit_list")
    first = timezone.localtime(start).date().isoformat()
    last = (timezone.localtime(end) - timedelta(days=1)).date().isoformat()
    audit_record(
        request=request,
        action=AuditAction.EXPORT,
        obj=TRAIL,
        label=_("export NDJSON du %(first)s au %(last)s") % {"first": first, "last": last},
    )
    events = audit_events_visible_to(request.user).filter(at__gte=start, at__lt=end)
    response = StreamingHttpResponse(
        ndjson_lines(events, user=request.user, source=observer()), content_type=FHIR_NDJSON
    )
    response["Content-Disposition"] = f'attachment; filename="journal-audit-{first}-{last}.ndjson"'
    response["Cache-Control"] = "private, no-store"
    return response
