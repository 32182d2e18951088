"""REST API: the advanced-consultation sessions of scheduling/api.py, with the action that books
a referral into one (coordinators): POST /api/v1/consultation-sessions/{id}/book/."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from referrals.booking import services
from referrals.selectors import referrals_visible_to
from scheduling import api as scheduling_api
from scheduling.models import Appointment


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


class ConsultationSessionViewSet(scheduling_api.ConsultationSessionViewSet):
    service_denied_message = "Vous n'avez pas le droit d'effectuer cette action sur cette demande."
    service_error_field = "files"
    __doc__ = scheduling_api.ConsultationSessionViewSet.__doc__

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
        appointment = services.session_book(
            by=request.user, session_id=session.pk, referral_id=referral.pk
        )
        appointment = Appointment.objects.select_related("session", "referral").get(
            pk=appointment.pk
        )
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)
