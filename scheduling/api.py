"""REST API for advanced-consultation sessions (docs/design.md §8) and on-call shifts: the lists
a caller may see. Booking a referral into a session (POST .../book/) is added by
referrals/booking/api.py."""

import uuid
from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DRFValidationError

from ess.api import PersonSerializer, PublicReadViewSet
from scheduling import selectors
from scheduling.models import ConsultationSession, OnCallDuty, OnCallShift


class CommuneOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SiteOutSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    address = serializers.CharField()
    commune = CommuneOutSerializer()
    underserved = serializers.BooleanField()


class SessionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    site = SiteOutSerializer()
    specialty = serializers.CharField(source="specialty.code")
    specialist = PersonSerializer(allow_null=True)
    booked = serializers.IntegerField()
    free_places = serializers.IntegerField(source="free")

    class Meta:
        model = ConsultationSession
        fields = [
            "id",
            "site",
            "specialty",
            "date",
            "starts_at",
            "ends_at",
            "specialist",
            "status",
            "capacity",
            "slot_minutes",
            "booked",
            "free_places",
        ]


def _date(params, name) -> date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DRFValidationError({name: ["Date attendue au format AAAA-MM-JJ."]}) from None


def _specialty_and_dates(qs, params, from_field: str, to_field: str):
    """The `specialty`, `date_from` and `date_to` filters: `from_field` on or after date_from,
    `to_field` on or before date_to."""
    if params.get("specialty"):
        qs = qs.filter(specialty__code=params["specialty"])
    date_from, date_to = _date(params, "date_from"), _date(params, "date_to")
    if date_from:
        qs = qs.filter(**{f"{from_field}__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{to_field}__lte": date_to})
    return qs


FILTERS = [
    OpenApiParameter("site", str, description="Identifiant du site."),
    OpenApiParameter("specialty", str, description="Code de la spécialité (ex. cardiologie)."),
    OpenApiParameter("date_from", str, description="À partir de cette date (AAAA-MM-JJ)."),
    OpenApiParameter("date_to", str, description="Jusqu'à cette date incluse (AAAA-MM-JJ)."),
    OpenApiParameter("has_free_places", bool, description="Seulement avec des places libres."),
]


class ConsultationSessionViewSet(PublicReadViewSet):
    """Sessions the caller may see: coordinators and managers all, specialists their own and the
    published ones; requesters and ARS/CPAM none (they follow aggregates, /indicators/)."""

    serializer_class = SessionSerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = selectors.with_fill(selectors.sessions_visible_to(self.request.user)).select_related(
            "site__commune", "specialty", "specialist"
        )
        if self.action != "list":
            return qs
        params = self.request.query_params
        if params.get("site"):
            qs = qs.filter(site__public_id__in=[params["site"]] if _is_uuid(params["site"]) else [])
        qs = _specialty_and_dates(qs, params, "date", "date")
        if params.get("has_free_places", "").lower() in ("1", "true", "oui"):
            qs = qs.filter(free__gt=0)
        return qs.order_by("starts_at", "pk")

    @extend_schema(summary="Consultations avancées visibles", parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class DutySerializer(serializers.ModelSerializer):
    specialist = PersonSerializer()

    class Meta:
        model = OnCallDuty
        fields = ["rank", "specialist"]


class OnCallShiftSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    specialty = serializers.CharField(source="specialty.code")
    duties = DutySerializer(many=True, help_text="Qui est appelé, par rang (1 = en premier).")

    class Meta:
        model = OnCallShift
        fields = ["id", "specialty", "starts_at", "ends_at", "status", "note", "duties"]


class OnCallShiftViewSet(PublicReadViewSet):
    """On-call shifts the caller may see (scheduling.selectors.on_call_shifts_visible_to): the
    ESS's staff the published ones, managers the drafts too; nobody else any."""

    serializer_class = OnCallShiftSerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = selectors.on_call_shifts_visible_to(self.request.user)
        if self.action != "list":
            return qs
        return _specialty_and_dates(
            qs, self.request.query_params, "ends_at__date", "starts_at__date"
        )

    @extend_schema(summary="Gardes visibles", parameters=FILTERS[1:4])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
