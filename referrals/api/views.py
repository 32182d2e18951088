"""The referral API's viewset: one service call per action; refusals become HTTP statuses in
ess.api_errors."""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from ess.api import PublicReadViewSet
from ess.api_actions import ServiceActionsMixin, transition_action, transition_responses
from ess.audit import audit_record, audit_record_many, audit_refusal
from ess.models import AuditAction
from ess.permissions import require
from referrals import services
from referrals.api.serializers import (
    AttachmentInSerializer,
    AttachmentSerializer,
    BookSlotSerializer,
    CompleteSerializer,
    MessageInSerializer,
    MessageSerializer,
    ProvideInfoSerializer,
    ReasonSerializer,
    ReferralDetailSerializer,
    ReferralInSerializer,
    ReferralListSerializer,
    ReferralStateSerializer,
    ReorientSerializer,
    RequestInfoSerializer,
    ScheduleSerializer,
    TriageSerializer,
)
from referrals.booking import services as booking
from referrals.models import (
    VISIBLE_STATUS_CHOICES,
    Channel,
    Message,
    Referral,
)
from referrals.pages import ReferralPages
from referrals.selectors import (
    referral_get_for_accept,
    referral_messages,
    referrals_visible_to,
)
from scheduling import permissions as scheduling_perms
from scheduling.models import AvailabilitySlot

# ---------------------------------------------------------------------------------------------
# ViewSet
# ---------------------------------------------------------------------------------------------
TRANSITION_RESPONSES = transition_responses(
    ReferralDetailSerializer,
    invalid="Champs invalides (messages par champ).",
    forbidden="Action non permise à cet utilisateur.",
    missing="Demande inexistante ou non visible.",
    conflict="Transition impossible dans l'état actuel, ou course perdue.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Demandes visibles par l'appelant",
        description="Les plus récentes d'abord, filtrables par statut. Pas de recherche par nom : "
        "une URL finit dans les journaux d'accès, un nom de patient n'y a pas sa place. "
        "Conservez l'identifiant (id) renvoyé à la création.",
        parameters=[
            OpenApiParameter("status", str, enum=[v for v, _label in VISIBLE_STATUS_CHOICES])
        ],
    ),
    retrieve=extend_schema(summary="Une demande (404 si inexistante ou non visible)"),
)
class ReferralViewSet(ServiceActionsMixin, PublicReadViewSet):
    service_id_kwarg = "referral_id"
    service_denied_message = "Vous n'avez pas le droit d'effectuer cette action sur cette demande."
    service_error_field = "files"

    list_related = ("patient", "specialty", "requester", "specialist", "offered_to")

    def get_queryset(self):
        return referrals_visible_to(self.request.user).select_related(*self.list_related)

    def get_serializer_class(self):
        return ReferralListSerializer if self.action == "list" else ReferralDetailSerializer

    def get_object(self):
        # A referral the caller may not see (or that does not exist): 404, and a refused line
        # in the audit trail.
        return self._audited_lookup(super().get_object)

    def _audited_lookup(self, lookup):
        with audit_refusal(
            request=self.request,
            object_type=Referral._meta.label_lower,
            object_id=self.kwargs.get(self.lookup_url_kwarg, ""),
        ):
            return lookup()

    def list(self, request, *args, **kwargs):
        # The page's ids from each visibility branch's index, then its rows (referrals.pages).
        wanted = request.query_params.get("status")
        statuses = [value for value, _label in VISIBLE_STATUS_CHOICES]
        if wanted and wanted not in statuses:
            # An empty list would read as "none in that status".
            raise exceptions.ValidationError(
                {
                    "status": [
                        _("Statut inconnu : « %(value)s ». Valeurs possibles : %(values)s.")
                        % {"value": wanted, "values": ", ".join(statuses)}
                    ]
                }
            )
        referrals = ReferralPages(
            request.user,
            filters=Q(status=wanted) if wanted else None,
            rows=lambda qs: qs.select_related(*self.list_related),
        )
        page = self.paginate_queryset(referrals)
        audit_record_many(
            request=request, action=AuditAction.VIEW, objects=page, label_attr="reference"
        )
        return self.get_paginated_response(ReferralListSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        audit_record(
            request=request, action=AuditAction.VIEW, obj=referral, label=referral.reference
        )
        return Response(self._detail(referral))

    def _detail(self, referral):
        referral = self.get_queryset().prefetch_related("attachments").get(pk=referral.pk)
        return self._serialized(referral)

    def _serialized(self, referral):
        return ReferralDetailSerializer(referral, context={"request": self.request}).data

    @extend_schema(
        summary="Soumettre une demande",
        description='Avec `"immediate": true` et l\'urgence P1, pendant les heures de garde : '
        "un avis immédiat, proposé sans régulation au spécialiste de garde de la spécialité et "
        "alerté à l'instant. Hors des heures de garde : 400, le message de `specialty` dit "
        "quand la garde reprend.",
        request=ReferralInSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Une nouvelle tentative avec la même clé renvoie la première demande.",
            )
        ],
        responses={
            201: ReferralDetailSerializer,
            200: ReferralDetailSerializer,
            400: OpenApiResponse(description="Champs invalides."),
            409: OpenApiResponse(description="Même clé, autre contenu."),
        },
    )
    def create(self, request):
        serializer = ReferralInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payload = serializer.referral_input()
        key = request.headers.get("Idempotency-Key", "").strip()[:200]
        if data["immediate"]:
            referral, created = services.immediate_submit(
                by=request.user,
                data=payload,
                callback_phone=data.get("callback_phone") or request.user.phone,
                idempotency_key=key,
                channel=Channel.API,
            )
        else:
            referral, created = services.referral_submit(
                by=request.user, data=payload, idempotency_key=key, channel=Channel.API
            )
        if created:  # answered from the referral as written: nothing is read back
            return Response(self._serialized(referral), status=status.HTTP_201_CREATED)
        return Response(self._detail(referral), status=status.HTTP_200_OK)

    def action_response(self, referral):
        return self._detail(referral)

    triage = transition_action(
        "triage",
        services.referral_triage,
        TriageSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Réguler : priorité, mode de réponse, spécialiste ou spécialité",
    )

    @extend_schema(
        request=None,
        responses=TRANSITION_RESPONSES,
        summary="Prendre en charge (409 si un confrère l'a prise entre-temps)",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, id=None):
        # A specialist the case was offered to hears that a colleague took it (409), not 404.
        referral = self._audited_lookup(lambda: referral_get_for_accept(request.user, id))
        return self.transition(request, None, services.referral_accept, obj=referral)

    @extend_schema(
        request=ReasonSerializer,
        responses={**TRANSITION_RESPONSES, 200: ReferralStateSerializer},
        summary="Refuser (retour à la régulation)",
        description="La demande retourne à la coordination et n'est plus visible du spécialiste "
        "qui la refuse : la réponse ne donne que son identifiant, sa référence et son statut.",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, id=None):
        referral, _ = self.run_service(request, services.referral_decline, ReasonSerializer)
        referral.refresh_from_db(fields=["status"])
        return Response(ReferralStateSerializer(referral).data)

    schedule = transition_action(
        "schedule",
        services.referral_schedule,
        ScheduleSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Fixer le rendez-vous",
    )

    @extend_schema(
        request=BookSlotSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Réserver un créneau de consultation (coordination)",
        description="La demande est proposée au spécialiste du créneau. 409 : créneau complet "
        "ou passé, demande déjà réservée ou prise en charge, ou réponse par télé-expertise "
        "(pas de rendez-vous à réserver).",
    )
    @action(detail=True, methods=["post"], url_path="book-slot")
    def book_slot(self, request, id=None):
        referral = self.get_object()
        require(scheduling_perms.can_book_slot(request.user))
        body = BookSlotSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        slot = get_object_or_404(AvailabilitySlot, public_id=body.validated_data["slot"])
        booking.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=request.user)
        return Response(self._detail(referral))

    complete = transition_action(
        "complete",
        services.referral_complete,
        CompleteSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Répondre / clore avec le compte rendu",
    )
    request_info = transition_action(
        "request_info",
        services.referral_request_info,
        RequestInfoSerializer,
        url_path="request-info",
        responses=TRANSITION_RESPONSES,
        summary="Demander un complément au demandeur",
    )
    provide_info = transition_action(
        "provide_info",
        services.referral_provide_info,
        ProvideInfoSerializer,
        url_path="provide-info",
        responses=TRANSITION_RESPONSES,
        summary="Répondre à une demande de complément",
    )
    reorient = transition_action(
        "reorient",
        services.referral_reorient,
        ReorientSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Réorienter hors de l'ESS",
    )
    cancel = transition_action(
        "cancel",
        services.referral_cancel,
        ReasonSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Annuler (demandeur, avant prise en charge)",
    )

    @extend_schema(
        methods=["get"], responses=MessageSerializer(many=True), summary="Fil d'échanges"
    )
    @extend_schema(
        methods=["post"],
        request=MessageInSerializer,
        responses={
            201: MessageSerializer,
            409: OpenApiResponse(description="Demande close : plus de message possible."),
        },
        summary="Écrire un message",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request, id=None):
        referral = self.get_object()
        if request.method == "GET":
            audit_record(
                request=request, action=AuditAction.VIEW, obj=referral, label=referral.reference
            )
            return Response(MessageSerializer(referral_messages(referral), many=True).data)
        _, message = self.run_service(
            request, services.message_post, MessageInSerializer, obj=referral
        )
        message = (
            Message.objects.select_related("author", "referral")
            .prefetch_related("attachments")
            .get(pk=message.pk)
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["get"], responses=AttachmentSerializer(many=True), summary="Pièces jointes"
    )
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": AttachmentInSerializer},
        responses={
            201: AttachmentSerializer(many=True),
            409: OpenApiResponse(description="Demande close : plus de document possible."),
        },
        summary="Joindre des documents (PDF, JPEG, PNG, texte)",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def attachments(self, request, id=None):
        referral = self.get_object()
        if request.method == "GET":
            audit_record(
                request=request, action=AuditAction.VIEW, obj=referral, label=referral.reference
            )
            rows = referral.attachments.select_related("referral")
            return Response(AttachmentSerializer(rows, many=True).data)
        _, stored = self.run_service(
            request, services.attachment_add, AttachmentInSerializer, obj=referral
        )
        return Response(
            AttachmentSerializer(stored, many=True).data, status=status.HTTP_201_CREATED
        )
