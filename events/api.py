"""REST API of the events (docs/design.md §8: /api/v1/events/), read-only.

- `events/`: the trainings, for any signed-in caller the published and held ones, every one
  for the management (`selectors.trainings.trainings_visible_to`), filtered by format,
  specialty and dates; each with the places left and, read one at a time, `allowed_actions`.
- `events/campaigns/`: the public campaigns (every one for the management).
- `events/etp-programmes/`: the ETP programmes with their sessions' counts, for the ESS's
  management, coordination and specialists (`permissions.can_view_activities`); an empty page
  for anyone else.

Objects are read by their public id; one hidden from the caller is a 404. No patient is ever
named here: campaigns and ETP sessions hold counts."""

import django_filters
from django.db.models import Count, IntegerField, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from ess.api import AllowedActionsField, FieldsBuiltOnce, PersonSerializer, PublicReadViewSet
from events.models import (
    Campaign,
    CampaignKind,
    EtpProgramme,
    EtpSession,
    RegistrationStatus,
    Training,
    TrainingKind,
    TrainingStatus,
)
from events.selectors.activities import etp_programmes_visible_to
from events.selectors.campaigns import campaigns_visible_to
from events.selectors.trainings import places_left, trainings_visible_to
from members.models import User

UUID = "[0-9a-fA-F-]{36}"


# ---------------------------------------------------------------------------------------------
# Trainings
# ---------------------------------------------------------------------------------------------
class TrainingSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    specialty = serializers.CharField(source="specialty.code", default=None, allow_null=True)
    places_left = serializers.SerializerMethodField(
        help_text="Places encore libres (0 : inscription en liste d'attente)."
    )
    speakers = PersonSerializer(many=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "specialty",
            "summary",
            "starts_at",
            "ends_at",
            "hours",
            "place",
            "capacity",
            "places_left",
            "target_professions",
            "speakers",
        ]

    def get_places_left(self, training) -> int:
        return places_left(training)


class TrainingDetailSerializer(TrainingSerializer):
    allowed_actions = AllowedActionsField()

    class Meta(TrainingSerializer.Meta):
        fields = [*TrainingSerializer.Meta.fields, "programme", "cancel_reason", "allowed_actions"]


class TrainingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TrainingKind.choices)
    status = django_filters.ChoiceFilter(choices=TrainingStatus.choices)
    specialty = django_filters.CharFilter(
        field_name="specialty__code", help_text="Code de spécialité, ex. cardiologie."
    )

    class Meta:
        model = Training
        fields = ["kind", "status", "specialty"]


# `from` is a Python keyword: the two date bounds are declared under their query names.
TrainingFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="starts_at",
    lookup_expr="date__gte",
    label="Commence ce jour ou après (AAAA-MM-JJ)",
)
TrainingFilter.base_filters["to"] = django_filters.DateFilter(
    field_name="starts_at",
    lookup_expr="date__lte",
    label="Commence ce jour ou avant (AAAA-MM-JJ)",
)


@extend_schema_view(
    list=extend_schema(
        summary="Formations et réunions pour les professionnels",
        description="Les formations publiées et tenues (toutes, brouillons et annulées "
        "comprises, pour la direction et la coordination), par date, filtrables par format, "
        "spécialité, statut et dates de début (`from`, `to`).",
    ),
    retrieve=extend_schema(
        summary="Une formation : places restantes et actions possibles (404 si inexistante "
        "ou non visible)"
    ),
)
class TrainingViewSet(PublicReadViewSet):
    lookup_value_regex = UUID
    filterset_class = TrainingFilter

    def get_queryset(self):
        speakers = Prefetch("speakers", User.objects.order_by("last_name", "first_name", "pk"))
        return (
            trainings_visible_to(self.request.user)
            .annotate(
                confirmed=Count(
                    "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
                )
            )
            .select_related("specialty")
            .prefetch_related(speakers)
            .order_by("starts_at", "pk")
        )

    def get_serializer_class(self):
        return TrainingSerializer if self.action == "list" else TrainingDetailSerializer


# ---------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------
class CampaignSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    specialty = serializers.CharField(source="specialty.code", default=None, allow_null=True)
    actions_count = serializers.IntegerField(help_text="Actions menées.")
    people_reached = serializers.IntegerField(help_text="Personnes touchées, toutes actions.")
    screenings_done = serializers.IntegerField(help_text="Dépistages réalisés, toutes actions.")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "kind",
            "theme",
            "specialty",
            "target_population",
            "starts_on",
            "ends_on",
            "is_public",
            "actions_count",
            "people_reached",
            "screenings_done",
        ]


class CampaignFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices)

    class Meta:
        model = Campaign
        fields = ["kind"]


def _total(field: str):
    return Coalesce(Sum(field), 0, output_field=IntegerField())


@extend_schema_view(
    list=extend_schema(
        summary="Campagnes de santé publique",
        description="Les campagnes affichées publiquement (toutes pour la direction et la "
        "coordination), les plus récentes d'abord, avec les totaux de leurs actions.",
    ),
    retrieve=extend_schema(summary="Une campagne (404 si inexistante ou non visible)"),
)
class CampaignViewSet(PublicReadViewSet):
    lookup_value_regex = UUID
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def get_queryset(self):
        return (
            campaigns_visible_to(self.request.user)
            .select_related("specialty")
            .annotate(
                actions_count=Count("actions"),
                people_reached=_total("actions__people_reached"),
                screenings_done=_total("actions__screenings_done"),
            )
            .order_by("-starts_on", "pk")
        )


# ---------------------------------------------------------------------------------------------
# ETP programmes
# ---------------------------------------------------------------------------------------------
class EtpSessionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")

    class Meta:
        model = EtpSession
        fields = ["id", "held_on", "topic", "collective", "patients_count"]


class EtpProgrammeSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    specialty = serializers.CharField(source="specialty.code", default=None, allow_null=True)
    coordinator = PersonSerializer(allow_null=True)
    sessions_count = serializers.IntegerField(help_text="Séances enregistrées.")
    patients_total = serializers.IntegerField(help_text="Participations de patients, en nombre.")

    class Meta:
        model = EtpProgramme
        fields = [
            "id",
            "title",
            "specialty",
            "authorisation_number",
            "authorised_on",
            "coordinator",
            "coordinator_name",
            "is_active",
            "sessions_count",
            "patients_total",
        ]


class EtpProgrammeDetailSerializer(EtpProgrammeSerializer):
    sessions = EtpSessionSerializer(many=True)

    class Meta(EtpProgrammeSerializer.Meta):
        fields = [*EtpProgrammeSerializer.Meta.fields, "description", "sessions"]


@extend_schema_view(
    list=extend_schema(
        summary="Programmes d'éducation thérapeutique (ETP)",
        description="Pour la direction, la coordination et les spécialistes de l'ESS (une page "
        "vide pour les autres) : chaque programme avec ses séances et ses patients, comptés.",
    ),
    retrieve=extend_schema(
        summary="Un programme d'ETP et ses séances (404 si inexistant ou non visible)"
    ),
)
class EtpProgrammeViewSet(PublicReadViewSet):
    lookup_value_regex = UUID

    def get_queryset(self):
        programmes = (
            etp_programmes_visible_to(self.request.user)
            .select_related("specialty", "coordinator")
            .annotate(
                sessions_count=Count("sessions"),
                patients_total=_total("sessions__patients_count"),
            )
            .order_by("title", "pk")
        )
        if self.action == "retrieve":
            sessions = Prefetch("sessions", EtpSession.objects.order_by("-held_on", "-pk"))
            programmes = programmes.prefetch_related(sessions)
        return programmes

    def get_serializer_class(self):
        return EtpProgrammeSerializer if self.action == "list" else EtpProgrammeDetailSerializer
