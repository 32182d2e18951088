"""REST API for partners and conventions (docs/design.md §8): read what the caller may see; managers
move conventions through their lifecycle, one POST per transition (409 when not allowed)."""

from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers

from ess.api import AllowedActionsField, PublicReadViewSet
from ess.api_actions import ServiceActionsMixin, transition_action, transition_responses
from partners import services
from partners.models import (
    Convention,
    ConventionStatus,
    Partner,
    Protocol,
    ProtocolTaskKind,
    ProtocolTaskTemplate,
)
from partners.selectors import conventions_visible_to, partner_list, protocol_prefetch


class PartnerRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]}
)
class BlankableURLField(serializers.URLField):
    """A URL or the empty string (spectacular's oneOf matches "" twice, which oneOf forbids)."""


class PartnerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    website = BlankableURLField(allow_blank=True)
    type = serializers.CharField(source="type.code")
    type_label = serializers.CharField(source="type.label")
    commune = serializers.CharField(source="commune_id", allow_null=True)
    has_active_convention = serializers.BooleanField()

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "type",
            "type_label",
            "finess",
            "siret",
            "address",
            "commune",
            "website",
            "has_active_convention",
        ]


class PersonRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="display_name")


class TaskTemplateSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ProtocolTaskKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = ProtocolTaskTemplate
        fields = ["day", "kind", "kind_label", "label", "instructions"]


class ProtocolSerializer(serializers.ModelSerializer):
    # A protocol's people and task plan; `applicable`: its convention is in force today. Not a
    # docstring: the OpenAPI document would publish it.

    specialty = serializers.CharField(source="specialty.code", allow_null=True, default=None)
    applicable = serializers.SerializerMethodField()
    delegating_doctors = PersonRefSerializer(many=True)
    delegates = PersonRefSerializer(many=True)
    task_templates = TaskTemplateSerializer(many=True)

    class Meta:
        model = Protocol
        fields = [
            "specialty",
            "applicable",
            "eligibility",
            "delegating_doctors",
            "delegates",
            "task_templates",
        ]

    def get_applicable(self, protocol) -> bool:
        return protocol.convention.is_in_force()


class ConventionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField(source="kind.code")
    kind_label = serializers.CharField(source="kind.label")
    parties = PartnerRefSerializer(many=True)
    protocol = serializers.SerializerMethodField()
    allowed_actions = AllowedActionsField()

    class Meta:
        model = Convention
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "parties",
            "object",
            "commitments",
            "status",
            "signed_on",
            "effective_on",
            "end_on",
            "next_evaluation_on",
            "termination_reason",
            "protocol",
            "allowed_actions",
        ]

    @extend_schema_field(ProtocolSerializer(allow_null=True))
    def get_protocol(self, convention):
        """The protocol of a cooperation or organisation protocol (null for other kinds, and
        before its first description)."""
        protocol = getattr(convention, "protocol", None) if convention.is_protocol else None
        return ProtocolSerializer(protocol).data if protocol else None


class SignSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    effective_on = serializers.DateField(required=False, allow_null=True)


class TerminateSerializer(serializers.Serializer):
    reason = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        summary="Partenaires de l'ESS",
        parameters=[
            OpenApiParameter("type", str, description="Code du type (cpts, msp, dac…)"),
            OpenApiParameter("departement", str, description="Code du département"),
            OpenApiParameter("convention", str, enum=["active", "none"]),
            OpenApiParameter("q", str, description="Nom, FINESS, SIRET ou commune"),
        ],
    ),
    retrieve=extend_schema(summary="Un partenaire (404 si inexistant ou non visible)"),
)
class PartnerViewSet(PublicReadViewSet):
    serializer_class = PartnerSerializer
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        convention = params.get("convention", "")
        return partner_list(
            self.request.user,
            type_code=params.get("type", ""),
            departement=params.get("departement", ""),
            convention=convention if convention in ("active", "none") else "",
            search=params.get("q", ""),
        )


TRANSITION_RESPONSES = transition_responses(
    ConventionSerializer,
    forbidden="Réservé à la direction.",
    conflict="Le statut de la convention ne le permet pas.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Conventions et protocoles visibles par l'appelant",
        parameters=[OpenApiParameter("status", str, enum=ConventionStatus.values)],
    ),
    retrieve=extend_schema(summary="Une convention (404 si inexistante ou non visible)"),
)
class ConventionViewSet(ServiceActionsMixin, PublicReadViewSet):
    service_id_kwarg = "convention_id"
    service_denied_message = (
        "Vous n'avez pas le droit d'effectuer cette action sur cette convention."
    )
    serializer_class = ConventionSerializer
    filter_backends = []

    def get_queryset(self):
        qs = (
            conventions_visible_to(self.request.user)
            .select_related("kind", "protocol__specialty")
            .prefetch_related(
                Prefetch("parties", queryset=Partner.objects.order_by("name")),
                *protocol_prefetch("protocol__"),
            )
            .order_by("title", "pk")
        )
        wanted = self.request.query_params.get("status")
        if self.action == "list" and wanted:
            qs = qs.filter(status=wanted)
        return qs

    def action_response(self, convention):
        return self.get_serializer(self.get_queryset().get(pk=convention.pk)).data

    submit_for_negotiation = transition_action(
        "submit_for_negotiation",
        services.convention_submit_for_negotiation,
        url_path="submit-for-negotiation",
        responses=TRANSITION_RESPONSES,
        summary="Passer en négociation",
    )
    sign = transition_action(
        "sign",
        services.convention_sign,
        SignSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Marquer signée (en vigueur aussitôt si la prise d'effet est passée)",
    )
    activate = transition_action(
        "activate",
        services.convention_activate,
        responses=TRANSITION_RESPONSES,
        summary="Mettre en vigueur",
    )
    expire = transition_action(
        "expire",
        services.convention_expire,
        responses=TRANSITION_RESPONSES,
        summary="Déclarer échue",
    )
    terminate = transition_action(
        "terminate",
        services.convention_terminate,
        TerminateSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Résilier",
    )
