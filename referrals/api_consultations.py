"""REST API for advanced-consultation sessions (docs/design.md §8): the list a caller may see, and
booking a referral into a session (coordinators)."""

from datetime import date

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from referrals.api import PersonSerializer, _call
from referrals.consultations import selectors, services
from referrals.models import Appointment, ConsultationSession
from referrals.selectors import referrals_visible_to


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


class BookInSerializer(serializers.Serializer):
    referral = serializers.UUIDField(help_text="Identifiant (id) de la demande à inscrire.")


class AppointmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    session = serializers.UUIDField(source="session.public_id")
    referral = serializers.UUIDField(source="referral.public_id")
    reference = serializers.CharField(source="referral.reference")

    class Meta:
        model = Appointment
        fields = ["id", "session", "referral", "reference", "starts_at"]


def _date(params, name) -> date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DRFValidationError({name: ["Date attendue au format AAAA-MM-JJ."]}) from None


FILTERS = [
    OpenApiParameter("site", str, description="Identifiant du site."),
    OpenApiParameter("specialty", str, description="Code de la spécialité (ex. cardiologie)."),
    OpenApiParameter("date_from", str, description="À partir de cette date (AAAA-MM-JJ)."),
    OpenApiParameter("date_to", str, description="Jusqu'à cette date incluse (AAAA-MM-JJ)."),
    OpenApiParameter("has_free_places", bool, description="Seulement avec des places libres."),
]


class ConsultationSessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Sessions the caller may see: coordinators and managers all, specialists their own and the
    published ones; requesters and ARS/CPAM none (they follow aggregates, /indicators/)."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
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
        if params.get("specialty"):
            qs = qs.filter(specialty__code=params["specialty"])
        date_from, date_to = _date(params, "date_from"), _date(params, "date_to")
        if date_from:
            qs = qs.filter(date__gte=date_from)
        if date_to:
            qs = qs.filter(date__lte=date_to)
        if params.get("has_free_places", "").lower() in ("1", "true", "oui"):
            qs = qs.filter(free__gt=0)
        return qs.order_by("starts_at", "pk")

    @extend_schema(summary="Consultations avancées visibles", parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Inscrire une demande à une consultation avancée",
        request=BookInSerializer,
        responses={
            201: AppointmentSerializer,
            400: OpenApiResponse(description="Champs invalides."),
            403: OpenApiResponse(description="Réservé à la coordination."),
            404: OpenApiResponse(description="Consultation ou demande inexistante ou non visible."),
            409: OpenApiResponse(
                description="Consultation complète, passée ou demande non inscriptible."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def book(self, request, id=None):
        session = self.get_object()
        body = BookInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = get_object_or_404(
            referrals_visible_to(request.user), public_id=body.validated_data["referral"]
        )
        appointment = _call(
            services.session_book, by=request.user, session_id=session.pk, referral_id=referral.pk
        )
        appointment = Appointment.objects.select_related("session", "referral").get(
            pk=appointment.pk
        )
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
