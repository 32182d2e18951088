from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from ess.selectors import communes_search


class MeSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", help_text="Identifiant public (UUID).")
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    roles = serializers.SerializerMethodField()
    profession = serializers.CharField()
    specialty = serializers.SerializerMethodField()
    rpps = serializers.CharField()
    national_id = serializers.CharField(help_text="'8' + RPPS (Pro Santé Connect, FHIR).")
    organisation = serializers.CharField(source="organisation.name", default=None)

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)

    def get_specialty(self, user) -> str | None:
        return user.specialty.code if user.specialty else None


@extend_schema(responses=MeSerializer, summary="L'utilisateur authentifié et ses rôles")
@api_view(["GET"])
def me(request):
    return Response(MeSerializer(request.user).data)


class CommuneSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code INSEE (COG).")
    name = serializers.CharField()
    departement = serializers.CharField(source="departement_id")
    postal_codes = serializers.SerializerMethodField()
    label = serializers.CharField()

    def get_postal_codes(self, commune) -> list[str]:
        return commune.postal_codes.split()


@extend_schema(
    parameters=[OpenApiParameter("q", str, description="Début du nom, code postal ou code INSEE")],
    responses=CommuneSerializer(many=True),
    summary="Recherche de communes",
)
@api_view(["GET"])
def communes(request):
    return Response(CommuneSerializer(communes_search(request.GET.get("q", "")), many=True).data)
