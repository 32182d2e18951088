"""REST API for the directory (docs/design.md §8: /api/v1/members/, filter ?specialty=), limited to
what the caller may see: members.selectors.directory_visible_to."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from ess.api import PublicReadViewSet
from members.models import Membership, Participation, PracticeSite
from members.selectors import directory_search, directory_visible_to


class SiteSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune_id", help_text="Code INSEE.")
    commune_name = serializers.CharField(source="commune.name")

    class Meta:
        model = PracticeSite
        fields = ["address", "commune", "commune_name", "phone"]


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="display_name")
    specialty = serializers.CharField(source="specialty.code", default=None, allow_null=True)
    competences = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    participations = serializers.SerializerMethodField()
    sites = SiteSerializer(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "name",
            "first_name",
            "last_name",
            "profession",
            "rpps",
            "specialty",
            "competences",
            "practice_mode",
            "sector",
            "participations",
            "languages",
            "sites",
            "status",
        ]

    def get_participations(self, membership) -> list[str]:
        return [p.value for p in membership.participations]


class MemberFilter(django_filters.FilterSet):
    specialty = django_filters.CharFilter(
        field_name="specialty__code", help_text="Code de spécialité, ex. cardiologie."
    )
    competence = django_filters.CharFilter(field_name="competences__code")
    commune = django_filters.CharFilter(method="filter_commune", help_text="Code INSEE.")
    departement = django_filters.CharFilter(method="filter_departement")
    participation = django_filters.ChoiceFilter(
        choices=Participation.choices, method="filter_participation"
    )
    q = django_filters.CharFilter(method="filter_name", help_text="Début du nom ou du prénom.")

    class Meta:
        model = Membership
        fields = ["specialty"]

    def filter_commune(self, qs, name, value):
        return directory_search(qs, commune=value)

    def filter_departement(self, qs, name, value):
        return directory_search(qs, departement=value)

    def filter_participation(self, qs, name, value):
        return directory_search(qs, participation=value)

    def filter_name(self, qs, name, value):
        return directory_search(qs, q=value)


@extend_schema_view(
    list=extend_schema(summary="Annuaire des membres (filtres : spécialité, compétence…)"),
    retrieve=extend_schema(summary="Un membre de l'annuaire"),
)
class MemberViewSet(PublicReadViewSet):
    serializer_class = MemberSerializer
    filterset_class = MemberFilter

    def get_queryset(self):
        return directory_visible_to(self.request.user).order_by("last_name", "first_name", "pk")
