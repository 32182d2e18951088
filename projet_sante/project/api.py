"""REST API for the health project: the versions the caller may see, with their sections,
missions and actions; one POST per transition (409 when the status does not allow it)."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.response import Response

from ess.api import AllowedActionsField, PublicReadViewSet
from ess.api_actions import ServiceActionsMixin, transition_action, transition_responses
from projet_sante.project import services
from projet_sante.project.models import (
    Action,
    Mission,
    ProjectVersion,
    SectionKey,
    VersionSignature,
)
from projet_sante.project.permissions import can_view_project
from projet_sante.project.selectors import versions_visible_to


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(source="get_key_display")
    body = serializers.CharField(help_text="Texte source en Markdown.")


class ActionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    owner = serializers.CharField(source="owner_label")

    class Meta:
        model = Action
        fields = [
            "id",
            "title",
            "owner",
            "target_date",
            "status",
            "progress",
            "indicator_codes",
        ]


class MissionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    actions = ActionSerializer(many=True)

    class Meta:
        model = Mission
        fields = ["id", "kind", "title", "description", "actions"]


class SignatureSerializer(serializers.Serializer):
    institution = serializers.CharField(help_text="Institution signataire : « ars » ou « cpam ».")
    signed_by = serializers.CharField(source="signed_by.display_name")
    signed_at = serializers.DateTimeField()


class VersionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    validated_by = serializers.CharField(
        source="validated_by.display_name", allow_null=True, default=None
    )
    signatures = SignatureSerializer(
        many=True,
        help_text="Signatures de l'ARS et de la CPAM pour la soumission en cours (ou qui ont "
        "validé la version) ; la version est validée quand les deux ont signé.",
    )
    allowed_actions = AllowedActionsField()

    class Meta:
        model = ProjectVersion
        fields = [
            "id",
            "number",
            "status",
            "submitted_at",
            "validated_at",
            "validated_by",
            "signatures",
            "revision_reason",
            "allowed_actions",
        ]


class VersionDetailSerializer(VersionSerializer):
    sections = SectionSerializer(many=True)
    missions = MissionSerializer(many=True)

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "sections", "missions"]


class ValidateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RevisionSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CommentSerializer(serializers.Serializer):
    section = serializers.ChoiceField(
        choices=["", *SectionKey.values], required=False, allow_blank=True, default=""
    )
    body = serializers.CharField()


TRANSITION_RESPONSES = transition_responses(
    VersionSerializer,
    forbidden="Rôle ne permettant pas cette action.",
    conflict="Le statut de la version ne le permet pas.",
)


@extend_schema_view(
    list=extend_schema(summary="Versions du projet de santé visibles par l'appelant"),
    retrieve=extend_schema(summary="Une version, avec ses sections, missions et actions"),
)
class ProjectVersionViewSet(ServiceActionsMixin, PublicReadViewSet):
    service_id_kwarg = "version_id"
    service_denied_message = (
        "Vous n'avez pas le droit d'effectuer cette action sur le projet de santé."
    )
    filter_backends = []

    def get_serializer_class(self):
        return VersionDetailSerializer if self.action == "retrieve" else VersionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return ProjectVersion.objects.none()
        if not can_view_project(self.request.user):
            raise DRFPermissionDenied("Le projet de santé n'est pas accessible avec ce compte.")
        qs = (
            versions_visible_to(self.request.user)
            .select_related("validated_by")
            .prefetch_related(
                Prefetch(
                    "signatures", queryset=VersionSignature.objects.select_related("signed_by")
                )
            )
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "sections",
                Prefetch(
                    "missions",
                    queryset=Mission.objects.prefetch_related(
                        Prefetch("actions", queryset=Action.objects.select_related("owner"))
                    ),
                ),
            )
        return qs.order_by("-number")

    def action_response(self, version):
        version = self.get_queryset().get(pk=version.pk)
        return VersionSerializer(version, context=self.get_serializer_context()).data

    submit = transition_action(
        "submit",
        services.version_submit,
        responses=TRANSITION_RESPONSES,
        summary="Soumettre à l'ARS/CPAM",
    )
    validate = transition_action(
        "validate",
        services.version_validate,
        ValidateSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Signer pour son institution (ARS ou CPAM) ; la seconde signature valide",
    )
    request_revision = transition_action(
        "request_revision",
        services.version_request_revision,
        RevisionSerializer,
        url_path="request-revision",
        responses=TRANSITION_RESPONSES,
        summary="Demander une révision (ARS/CPAM)",
    )

    @extend_schema(
        request=CommentSerializer,
        responses={
            201: OpenApiResponse(description="Commentaire enregistré."),
            **{k: v for k, v in TRANSITION_RESPONSES.items() if k != 200},
        },
        summary="Commenter une section ou la version",
    )
    @action(detail=True, methods=["post"])
    def comments(self, request, id=None):
        _version, comment = self.run_service(request, services.comment_add, CommentSerializer)
        return Response(
            {"section": comment.section, "body": comment.body, "created_at": comment.created_at},
            status=status.HTTP_201_CREATED,
        )
