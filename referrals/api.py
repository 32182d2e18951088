"""Referral REST API (docs/design.md §8): shape validation here, one service call per action."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from ess.api import AllowedActionsField, Conflict, PersonSerializer
from ess.audit import audit_record, audit_record_many, audit_refusal
from ess.errors import IdempotencyConflict, TransitionNotAllowed
from ess.models import AuditAction, Commune, Specialty
from ess.validators import (
    normalize_birth_place_code,
    normalize_nir,
    normalize_phone,
    validate_birth_date,
    validate_long_text,
    validate_nir,
    validate_nir_traits,
)
from members.models import User
from referrals import services
from referrals.models import (
    Attachment,
    Message,
    PreferredResponse,
    Priority,
    Referral,
    ResponseMode,
    Sex,
    Status,
)
from referrals.selectors import (
    referral_get_for_accept,
    referral_messages,
    referral_timeline,
    referrals_visible_to,
)


def _call(fn, **kwargs):
    """Run a service; translate its exceptions into the API's status codes."""
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"files": exc.messages}
        raise DRFValidationError(detail) from None
    except PermissionDenied:
        raise DRFPermissionDenied(
            "Vous n'avez pas le droit d'effectuer cette action sur cette demande."
        ) from None
    except (TransitionNotAllowed, IdempotencyConflict) as exc:
        raise Conflict(str(exc)) from None


# ---------------------------------------------------------------------------------------------
# Serializers
# ---------------------------------------------------------------------------------------------
def _django_check(check, value):
    """Run one of ess.validators' checks and report its French message the DRF way."""
    try:
        result = check(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None
    return value if result is None else result


class PatientInSerializer(serializers.Serializer):
    ins = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=25,
        help_text="Matricule INS (NIR/NIA), 15 caractères ; facultatif. Son sexe, son année et "
        "son mois de naissance doivent concorder avec les traits saisis.",
    )
    birth_name = serializers.CharField(max_length=100)
    first_names = serializers.CharField(max_length=150)
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = serializers.DateField(help_text="Passée, il y a 125 ans au plus.")
    birth_place_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5,
        help_text="Code INSEE du lieu de naissance (obligatoire sans INS) ; 99 + code pays pour "
        "une naissance à l'étranger.",
    )
    used_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    commune = serializers.CharField(help_text="Code INSEE de la commune de résidence.")
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=30,
        help_text="Numéro français (06 12 34 56 78) ou international (+41 21 234 56 78) ; "
        "enregistré au format E.164 (+33612345678).",
    )
    gp_name = serializers.CharField(required=False, allow_blank=True, max_length=150)

    def validate_ins(self, value):
        value = normalize_nir(value)
        return _django_check(validate_nir, value) if value else value

    def validate_birth_date(self, value):
        return _django_check(validate_birth_date, value)

    def validate_birth_place_code(self, value):
        return _django_check(normalize_birth_place_code, value)

    def validate_phone(self, value):
        return _django_check(normalize_phone, value)

    def validate_commune(self, value):
        commune = Commune.objects.filter(code=value.strip().upper()).first()
        if commune is None:
            raise serializers.ValidationError(
                f"Commune inconnue : « {value} » n'est pas un code INSEE de commune actuelle."
            )
        return commune

    def validate(self, attrs):
        if not attrs.get("ins") and not attrs.get("birth_place_code"):
            raise serializers.ValidationError(
                {
                    "birth_place_code": [
                        "Sans INS, le lieu de naissance est obligatoire pour identifier le patient."
                    ]
                }
            )
        if attrs.get("ins"):
            try:
                validate_nir_traits(
                    attrs["ins"],
                    sex=attrs["sex"],
                    birth_date=attrs["birth_date"],
                    birth_place_code=attrs.get("birth_place_code", ""),
                )
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from None
        return attrs


class ReferralInSerializer(serializers.Serializer):
    patient = PatientInSerializer()
    specialty = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Specialty.objects.all(),
        help_text="Code de spécialité, ex. cardiologie.",
    )
    question = serializers.CharField(
        validators=[validate_long_text], help_text="10 000 caractères au plus."
    )
    context = serializers.CharField(
        required=False,
        allow_blank=True,
        validators=[validate_long_text],
        help_text="10 000 caractères au plus.",
    )
    urgency = serializers.ChoiceField(choices=Priority.choices)
    preferred_response = serializers.ChoiceField(
        choices=PreferredResponse.choices, required=False, default=PreferredResponse.NO_PREFERENCE
    )
    callback_availability = serializers.CharField(required=False, allow_blank=True, max_length=200)
    referring_gp_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    referring_gp = serializers.SlugRelatedField(
        slug_field="public_id",
        required=False,
        allow_null=True,
        queryset=User.objects.filter(is_active=True, role_grants__role="requester"),
        help_text="Identifiant du médecin traitant inscrit pour le compte duquel la demande est "
        "envoyée : il la voit et est tenu informé.",
    )
    consent = serializers.BooleanField(
        help_text="Le patient est informé et accepte le partage : doit valoir true."
    )

    def validate_consent(self, value):
        if value is not True:
            raise serializers.ValidationError("Le consentement du patient au partage est requis.")
        return value


class PatientOutSerializer(serializers.Serializer):
    ins = serializers.CharField()
    birth_name = serializers.CharField()
    first_names = serializers.CharField()
    used_name = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    birth_place_code = serializers.CharField()
    commune = serializers.CharField(source="commune_id", allow_null=True)
    phone = serializers.CharField()
    identity_status = serializers.CharField()


class AttachmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "is_report",
            "created_at",
            "download_url",
        ]

    def get_download_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("referrals:attachment", args=[obj.referral.public_id, obj.public_id])


class MessageSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    author = PersonSerializer(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "author", "body", "created_at", "attachments"]


class ReferralListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    specialty = serializers.CharField(source="specialty.code")
    patient = PatientOutSerializer()
    requester = PersonSerializer()
    specialist = PersonSerializer(allow_null=True)
    urgency = serializers.CharField(source="urgency_requested")

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "status",
            "specialty",
            "urgency",
            "priority",
            "response_mode",
            "due_at",
            "patient",
            "requester",
            "specialist",
            "submitted_at",
            "updated_at",
        ]


class ReferralStateSerializer(serializers.ModelSerializer):
    """Where a referral stands, without patient data: the answer to a caller who loses sight of
    it by their own action (a specialist declining)."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "reference", "status"]


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    actor = PersonSerializer(allow_null=True)


class ReferralDetailSerializer(ReferralListSerializer):
    offered_to = PersonSerializer(allow_null=True)
    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    allowed_actions = AllowedActionsField()

    class Meta(ReferralListSerializer.Meta):
        fields = [
            *ReferralListSerializer.Meta.fields,
            "question",
            "context",
            "preferred_response",
            "callback_availability",
            "referring_gp_name",
            "offered_to",
            "offered_to_pool",
            "appointment_at",
            "appointment_location",
            "answer",
            "recommended_actions",
            "consultation_needed",
            "reorient_target",
            "closing_reason",
            "timeline",
            "attachments",
            "allowed_actions",
        ]

    def get_timeline(self, referral) -> list[dict]:
        events = referral_timeline(self.context["request"].user, referral)
        return EventSerializer(events, many=True).data

    def get_attachments(self, referral) -> list[dict]:
        return AttachmentSerializer(referral.attachments.all(), many=True).data


class TriageSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)
    response_mode = serializers.ChoiceField(choices=ResponseMode.choices)
    specialist = serializers.SlugRelatedField(
        slug_field="public_id",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Identifiant du spécialiste ; omis : proposée à la spécialité.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ScheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200)


class CompleteSerializer(serializers.Serializer):
    answer = serializers.CharField()
    recommended_actions = serializers.CharField(required=False, allow_blank=True, default="")
    consultation_needed = serializers.BooleanField(required=False, default=False)


class RequestInfoSerializer(serializers.Serializer):
    question = serializers.CharField()


class ProvideInfoSerializer(serializers.Serializer):
    answer = serializers.CharField()


class ReorientSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=200)
    reason = serializers.CharField()


class MessageInSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class AttachmentInSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


# ---------------------------------------------------------------------------------------------
# ViewSet
# ---------------------------------------------------------------------------------------------
TRANSITION_RESPONSES = {
    200: ReferralDetailSerializer,
    400: OpenApiResponse(description="Champs invalides (messages par champ)."),
    403: OpenApiResponse(description="Action non permise à cet utilisateur."),
    404: OpenApiResponse(description="Demande inexistante ou non visible."),
    409: OpenApiResponse(description="Transition impossible dans l'état actuel, ou course perdue."),
}


@extend_schema_view(
    list=extend_schema(
        summary="Demandes visibles par l'appelant",
        description="Les plus récentes d'abord, filtrables par statut. Pas de recherche par nom : "
        "une URL finit dans les journaux d'accès, un nom de patient n'y a pas sa place. "
        "Conservez l'identifiant (id) renvoyé à la création.",
        parameters=[OpenApiParameter("status", str, enum=Status.values)],
    ),
    retrieve=extend_schema(summary="Une demande (404 si inexistante ou non visible)"),
)
class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        qs = referrals_visible_to(self.request.user).select_related(
            "patient", "specialty", "requester", "specialist", "offered_to"
        )
        if self.action == "list":
            wanted = self.request.query_params.get("status")
            if wanted:
                qs = qs.filter(status=wanted)
            return qs.order_by("-submitted_at", "-pk")
        return qs

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
        page = self.paginate_queryset(self.get_queryset())
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
        return ReferralDetailSerializer(referral, context={"request": self.request}).data

    @extend_schema(
        summary="Soumettre une demande",
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
        payload = services.ReferralInput(
            patient=services.PatientInput(**data["patient"]),
            specialty=data["specialty"],
            question=data["question"],
            context=data.get("context", ""),
            urgency=data["urgency"],
            preferred_response=data["preferred_response"],
            consent=data["consent"],
            callback_availability=data.get("callback_availability", ""),
            referring_gp_name=data.get("referring_gp_name", ""),
            referring_gp=data.get("referring_gp"),
        )
        referral, created = _call(
            services.referral_submit,
            by=request.user,
            data=payload,
            idempotency_key=request.headers.get("Idempotency-Key", "").strip()[:200],
        )
        return Response(
            self._detail(referral),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _transition(self, request, serializer_class, service, *, referral=None, **extra):
        referral = referral or self.get_object()
        values = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            values = serializer.validated_data
        _call(service, referral_id=referral.pk, by=request.user, **values, **extra)
        return Response(self._detail(referral))

    @extend_schema(
        request=TriageSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Réguler : priorité, mode de réponse, spécialiste ou spécialité",
    )
    @action(detail=True, methods=["post"])
    def triage(self, request, id=None):
        return self._transition(request, TriageSerializer, services.referral_triage)

    @extend_schema(
        request=None,
        responses=TRANSITION_RESPONSES,
        summary="Prendre en charge (409 si un confrère l'a prise entre-temps)",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, id=None):
        # A specialist the case was offered to hears that a colleague took it (409), not 404.
        referral = self._audited_lookup(lambda: referral_get_for_accept(request.user, id))
        return self._transition(request, None, services.referral_accept, referral=referral)

    @extend_schema(
        request=ReasonSerializer,
        responses={**TRANSITION_RESPONSES, 200: ReferralStateSerializer},
        summary="Refuser (retour à la régulation)",
        description="La demande retourne à la coordination et n'est plus visible du spécialiste "
        "qui la refuse : la réponse ne donne que son identifiant, sa référence et son statut.",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, id=None):
        referral = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _call(
            services.referral_decline,
            referral_id=referral.pk,
            by=request.user,
            **serializer.validated_data,
        )
        referral.refresh_from_db(fields=["status"])
        return Response(ReferralStateSerializer(referral).data)

    @extend_schema(
        request=ScheduleSerializer, responses=TRANSITION_RESPONSES, summary="Fixer le rendez-vous"
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, id=None):
        return self._transition(request, ScheduleSerializer, services.referral_schedule)

    @extend_schema(
        request=CompleteSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Répondre / clore avec le compte rendu",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, id=None):
        return self._transition(request, CompleteSerializer, services.referral_complete)

    @extend_schema(
        request=RequestInfoSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Demander un complément au demandeur",
    )
    @action(detail=True, methods=["post"], url_path="request-info")
    def request_info(self, request, id=None):
        return self._transition(request, RequestInfoSerializer, services.referral_request_info)

    @extend_schema(
        request=ProvideInfoSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Répondre à une demande de complément",
    )
    @action(detail=True, methods=["post"], url_path="provide-info")
    def provide_info(self, request, id=None):
        return self._transition(request, ProvideInfoSerializer, services.referral_provide_info)

    @extend_schema(
        request=ReorientSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Réorienter hors de l'ESS",
    )
    @action(detail=True, methods=["post"])
    def reorient(self, request, id=None):
        return self._transition(request, ReorientSerializer, services.referral_reorient)

    @extend_schema(
        request=ReasonSerializer,
        responses=TRANSITION_RESPONSES,
        summary="Annuler (demandeur, avant prise en charge)",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, id=None):
        return self._transition(request, ReasonSerializer, services.referral_cancel)

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
        serializer = MessageInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = _call(
            services.message_post,
            referral_id=referral.pk,
            by=request.user,
            body=serializer.validated_data["body"],
            files=serializer.validated_data["files"],
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
        serializer = AttachmentInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stored = _call(
            services.attachment_add,
            referral_id=referral.pk,
            by=request.user,
            files=serializer.validated_data["files"],
        )
        return Response(
            AttachmentSerializer(stored, many=True).data, status=status.HTTP_201_CREATED
        )
