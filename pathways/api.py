"""REST API for care pathways (docs/design.md §8: /api/v1/pathways/): what the caller may see
(`selectors.pathways_visible_to`: the care circle and the coordinators; nobody else, the ARS and
CPAM included, who read counts through the indicators), one POST per action calling one
service. Every read of a pathway is audited."""

import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from ess.api import AllowedActionsField, FieldsBuiltOnce, PersonSerializer, PublicReadViewSet
from ess.api_actions import ServiceActionsMixin, transition_action, transition_responses
from ess.audit import audit_record, audit_record_many, audit_refusal
from ess.models import AuditAction
from pathways import services
from pathways.models import CircleMember, Pathway, PathwayAlert, PathwayStatus, PathwayTask
from pathways.selectors import (
    pathway_list,
    pathways_visible_to,
    tasks_visible_to,
    worklist_tasks,
)

UUID = "[0-9a-fA-F-]{36}"


# ---------------------------------------------------------------------------------------------
# Serializers
# ---------------------------------------------------------------------------------------------
class PatientSummarySerializer(FieldsBuiltOnce, serializers.Serializer):
    ins = serializers.CharField()
    name = serializers.CharField(source="display_name")
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    commune = serializers.CharField(source="commune_id", allow_null=True)
    phone = serializers.CharField()


class PathwayProtocolSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField(source="convention.title")
    specialty = serializers.CharField(source="specialty.code", default=None, allow_null=True)


class PathwayRefSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()


class ReferralRefSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()


class CircleMemberSerializer(FieldsBuiltOnce, serializers.Serializer):
    person = PersonSerializer(source="user")
    role = serializers.CharField(help_text="gp, specialist, delegate, coordinator ou other")


class TaskSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    assignee = PersonSerializer()
    late = serializers.SerializerMethodField(help_text="À faire et échéance passée.")

    class Meta:
        model = PathwayTask
        fields = [
            "id",
            "label",
            "kind",
            "instructions",
            "due_on",
            "status",
            "late",
            "assignee",
            "result",
            "out_of_range",
            "done_at",
        ]

    def get_late(self, task) -> bool:
        return task.is_late(self.context.get("today"))


class WorklistTaskSerializer(TaskSerializer):
    pathway = PathwayRefSerializer()
    patient = PatientSummarySerializer(source="pathway.patient")

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "pathway", "patient"]


class AlertSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    task = serializers.UUIDField(source="task.public_id")
    task_label = serializers.CharField(source="task.label")
    result = serializers.CharField(source="task.result")
    doctor = PersonSerializer()
    answered_by = PersonSerializer(allow_null=True)

    class Meta:
        model = PathwayAlert
        fields = [
            "id",
            "task",
            "task_label",
            "result",
            "doctor",
            "raised_at",
            "answer",
            "answered_at",
            "answered_by",
        ]


class PathwayListSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    patient = PatientSummarySerializer()
    protocol = PathwayProtocolSerializer(allow_null=True)
    open_tasks = serializers.IntegerField(help_text="Tâches à faire.")
    open_alerts = serializers.IntegerField(help_text="Alertes sans réponse du médecin.")

    class Meta:
        model = Pathway
        fields = [
            "id",
            "title",
            "status",
            "patient",
            "protocol",
            "started_on",
            "open_tasks",
            "open_alerts",
            "created_at",
        ]


class PathwayDetailSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    patient = PatientSummarySerializer()
    protocol = PathwayProtocolSerializer(allow_null=True)
    origin = ReferralRefSerializer(allow_null=True, help_text="La demande qui l'a ouvert.")
    referrals = ReferralRefSerializer(many=True)
    circle = CircleMemberSerializer(many=True, help_text="Le cercle de soins.")
    tasks = TaskSerializer(many=True)
    alerts = AlertSerializer(many=True)
    allowed_actions = AllowedActionsField()

    class Meta:
        model = Pathway
        fields = [
            "id",
            "title",
            "status",
            "close_reason",
            "patient",
            "protocol",
            "origin",
            "referrals",
            "started_on",
            "created_at",
            "circle",
            "tasks",
            "alerts",
            "allowed_actions",
        ]


class PauseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PathwayCloseSerializer(serializers.Serializer):
    reason = serializers.CharField()


class TaskRecordSerializer(serializers.Serializer):
    result = serializers.CharField()
    out_of_range = serializers.BooleanField(
        default=False, help_text="Hors des valeurs attendues : le médecin délégant est alerté."
    )


class PathwayFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PathwayStatus.choices)

    class Meta:
        model = Pathway
        fields = ["status"]


# ---------------------------------------------------------------------------------------------
# Viewsets
# ---------------------------------------------------------------------------------------------
def _audited(request, model, public_id, lookup):
    """A lookup refused (404: not visible or absent) leaves a refused line in the audit trail."""
    with audit_refusal(request=request, object_type=model._meta.label_lower, object_id=public_id):
        return lookup()


PATHWAY_RESPONSES = transition_responses(
    PathwayDetailSerializer,
    forbidden="Action réservée à la coordination et aux spécialistes du cercle de soins.",
    missing="Parcours inexistant ou non visible.",
    conflict="Action impossible dans l'état du parcours (clos).",
)


@extend_schema_view(
    list=extend_schema(
        summary="Parcours visibles par l'appelant",
        description="Ceux dont l'appelant est du cercle de soins (tous : coordination), les plus "
        "récents d'abord, filtrables par statut. Les utilisateurs ARS et CPAM n'en voient "
        "aucun : ils lisent les effectifs dans les indicateurs.",
    ),
    retrieve=extend_schema(
        summary="Un parcours : patient, protocole, cercle de soins, tâches, alertes "
        "(404 si inexistant ou non visible)"
    ),
)
class PathwayViewSet(ServiceActionsMixin, PublicReadViewSet):
    service_id_kwarg = "pathway_id"
    service_denied_message = "Vous n'avez pas le droit d'effectuer cette action sur ce parcours."
    lookup_value_regex = UUID
    filterset_class = PathwayFilter

    def get_queryset(self):
        if self.action == "list":
            return pathway_list(self.request.user).select_related("protocol__specialty")
        return pathways_visible_to(self.request.user)

    def get_serializer_class(self):
        return PathwayListSerializer if self.action == "list" else PathwayDetailSerializer

    def get_object(self):
        return _audited(self.request, Pathway, self.kwargs.get("id", ""), super().get_object)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit_record_many(request=request, action=AuditAction.VIEW, objects=page)
        return self.get_paginated_response(PathwayListSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        pathway = self.get_object()
        audit_record(request=request, action=AuditAction.VIEW, obj=pathway)
        return Response(self._detail(pathway))

    def _detail(self, pathway: Pathway) -> dict:
        pathway = (
            pathways_visible_to(self.request.user)
            .select_related(
                "patient", "protocol__convention", "protocol__specialty", "origin", "opened_by"
            )
            .prefetch_related(
                "referrals",
                Prefetch("circle", CircleMember.objects.select_related("user")),
                Prefetch("tasks", PathwayTask.objects.select_related("assignee")),
                Prefetch(
                    "alerts", PathwayAlert.objects.select_related("task", "doctor", "answered_by")
                ),
            )
            .get(pk=pathway.pk)
        )
        context = {"request": self.request, "today": timezone.localdate()}
        return PathwayDetailSerializer(pathway, context=context).data

    def action_response(self, pathway):
        return self._detail(pathway)

    pause = transition_action(
        "pause",
        services.pathway_pause,
        PauseSerializer,
        responses=PATHWAY_RESPONSES,
        summary="Mettre le parcours en pause (ses tâches attendent)",
    )
    resume = transition_action(
        "resume",
        services.pathway_resume,
        responses=PATHWAY_RESPONSES,
        summary="Reprendre un parcours en pause",
    )
    close = transition_action(
        "close",
        services.pathway_close,
        PathwayCloseSerializer,
        responses=PATHWAY_RESPONSES,
        summary="Clore le parcours (motif obligatoire ; ses tâches à faire sont annulées)",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Les tâches déléguées de l'appelant",
        description="Sa liste de travail : les tâches qui lui sont confiées, à faire, en retard "
        "ou dues d'ici sept jours, des parcours en cours (ceux en pause attendent), par "
        "échéance.",
    )
)
class PathwayTaskViewSet(ServiceActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    service_id_kwarg = "task_id"
    service_denied_message = "Seul le professionnel à qui la tâche est confiée la renseigne."
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID
    serializer_class = WorklistTaskSerializer

    def get_queryset(self):
        if self.action == "list":
            return worklist_tasks(self.request.user)
        return tasks_visible_to(self.request.user).select_related("pathway__patient", "assignee")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_object(self):
        return _audited(self.request, PathwayTask, self.kwargs.get("id", ""), super().get_object)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset().select_related("assignee"))
        audit_record_many(
            request=request, action=AuditAction.VIEW, objects=[task.pathway for task in page]
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def action_response(self, task):
        task = self.get_queryset().get(pk=task.pk)
        return self.get_serializer(task).data

    record = transition_action(
        "record",
        services.task_record,
        TaskRecordSerializer,
        responses=transition_responses(
            WorklistTaskSerializer,
            forbidden="Seul le professionnel à qui la tâche est confiée la renseigne.",
            missing="Tâche inexistante ou non visible.",
            conflict="Tâche déjà faite ou annulée, ou parcours en pause ou clos.",
        ),
        summary="Renseigner le résultat d'une tâche (hors des valeurs attendues : le médecin "
        "délégant est alerté)",
    )
