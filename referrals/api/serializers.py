"""The referral API's input and output serializers: shape validation only."""

from collections.abc import Mapping
from typing import NamedTuple

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ess.api import AllowedActionsField, FieldsBuiltOnce, PersonSerializer
from ess.models import Commune, Specialty
from ess.selectors import commune_and_specialty
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
from referrals.models import (
    Attachment,
    ImmediateRequest,
    Message,
    PreferredResponse,
    Priority,
    Referral,
    ResponseMode,
    Sex,
)
from referrals.selectors import (
    referral_timeline,
)
from referrals.services.intake import PatientInput, ReferralInput


def _django_check(check, value):
    """Run one of ess.validators' checks and report its French message the DRF way."""
    try:
        result = check(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None
    return value if result is None else result


class PatientInSerializer(FieldsBuiltOnce, serializers.Serializer):
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
        code = value.strip().upper()
        named = self.context.get("named")
        if named is not None and named.commune_code == code:
            commune = named.commune
        else:
            commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise serializers.ValidationError(
                _("Commune inconnue : « %(code)s » n'est pas un code INSEE de commune actuelle.")
                % {"code": value}
            )
        return commune

    def validate(self, attrs):
        if not attrs.get("ins") and not attrs.get("birth_place_code"):
            raise serializers.ValidationError(
                {
                    "birth_place_code": [
                        _(
                            "Sans INS, le lieu de naissance est obligatoire pour identifier le "
                            "patient."
                        )
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


class Named(NamedTuple):
    """The commune and the specialty a submission names, read together before its fields are
    checked (ReferralInSerializer.to_internal_value)."""

    commune_code: str
    specialty_code: str
    commune: Commune | None
    specialty: Specialty | None


class SpecialtyField(serializers.SlugRelatedField):
    """A specialty by its code, taken from what the submission already read when it can be."""

    default_error_messages = {"does_not_exist": gettext_lazy("Spécialité inconnue : « {value} ».")}

    def to_internal_value(self, data):
        named = self.context.get("named")
        if named is None or named.specialty_code != data:
            return super().to_internal_value(data)
        if named.specialty is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return named.specialty


class ReferralInSerializer(FieldsBuiltOnce, serializers.Serializer):
    patient = PatientInSerializer()
    specialty = SpecialtyField(
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
        error_messages={
            "does_not_exist": gettext_lazy(
                "Médecin traitant inconnu : l'identifiant « {value} » n'est celui d'aucun "
                "médecin traitant inscrit sur la plateforme."
            )
        },
        help_text="Identifiant du médecin traitant inscrit pour le compte duquel la demande est "
        "envoyée : il la voit et est tenu informé.",
    )
    consent = serializers.BooleanField(
        help_text="Le patient est informé et accepte le partage : doit valoir true."
    )
    immediate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Avis immédiat du spécialiste de garde (urgence P1, pendant les heures de "
        "garde) : il est alerté à l'instant et rappelle au numéro `callback_phone`.",
    )
    callback_phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=30,
        help_text="Avis immédiat : numéro où rappeler le demandeur (par défaut, celui de son "
        "profil).",
    )

    def to_internal_value(self, data):
        # The commune and the specialty, read in one query for the checks of both fields.
        patient = data.get("patient") if isinstance(data, Mapping) else None
        commune = patient.get("commune") if isinstance(patient, Mapping) else None
        specialty = data.get("specialty") if isinstance(data, Mapping) else None
        if isinstance(commune, str) and isinstance(specialty, str):
            code = commune.strip().upper()
            self.context["named"] = Named(code, specialty, *commune_and_specialty(code, specialty))
        return super().to_internal_value(data)

    def validate_consent(self, value):
        if value is not True:
            raise serializers.ValidationError(
                _("Le consentement du patient au partage est requis.")
            )
        return value

    def validate(self, attrs):
        if attrs.get("immediate") and attrs.get("urgency") != Priority.P1:
            raise serializers.ValidationError(
                {"urgency": _("Un avis immédiat est une demande d'urgence P1.")}
            )
        return attrs

    def referral_input(self, *, files=()) -> ReferralInput:
        """What the submission service takes, from the checked body (and the files sent with
        it): the API's and the FHIR intake's one translation."""
        data = self.validated_data
        return ReferralInput(
            patient=PatientInput(**data["patient"]),
            specialty=data["specialty"],
            question=data["question"],
            context=data.get("context", ""),
            urgency=data["urgency"],
            preferred_response=data["preferred_response"],
            consent=data["consent"],
            callback_availability=data.get("callback_availability", ""),
            referring_gp_name=data.get("referring_gp_name", ""),
            referring_gp=data.get("referring_gp"),
            files=list(files),
        )


class PatientOutSerializer(FieldsBuiltOnce, serializers.Serializer):
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


class AttachmentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
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


class MessageSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    author = PersonSerializer(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "author", "body", "created_at", "attachments"]


class ReferralListSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
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
            "immediate",
            "submitted_at",
            "updated_at",
        ]


class ReferralStateSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    # Where a referral stands, without patient data: the answer to a caller who loses sight of
    # it by their own action (a specialist declining). Not a docstring: the OpenAPI document
    # would publish it.

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "reference", "status"]


class EventSerializer(FieldsBuiltOnce, serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    actor = PersonSerializer(allow_null=True)


class ImmediateRequestSerializer(serializers.Serializer):
    callback_phone = serializers.CharField()
    mode = serializers.CharField(
        help_text="callback, video, ou vide tant que personne n'a répondu."
    )
    video_url = serializers.SerializerMethodField()

    def get_video_url(self, request) -> str:
        return request.video_url if request.mode == "video" else ""


class ReferralDetailSerializer(ReferralListSerializer):
    offered_to = PersonSerializer(allow_null=True)
    immediate_request = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    allowed_actions = AllowedActionsField()

    class Meta(ReferralListSerializer.Meta):
        fields = [
            *ReferralListSerializer.Meta.fields,
            "channel",
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
            "immediate_request",
        ]

    @extend_schema_field(ImmediateRequestSerializer(allow_null=True))
    def get_immediate_request(self, referral) -> dict | None:
        if not referral.immediate:
            return None
        return ImmediateRequestSerializer(ImmediateRequest.objects.get(referral=referral)).data

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
        error_messages={
            "does_not_exist": gettext_lazy(
                "Spécialiste inconnu : aucun compte actif n'a l'identifiant « {value} »."
            )
        },
        help_text="Identifiant du spécialiste ; omis : proposée à la spécialité.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ScheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200)


class BookSlotSerializer(serializers.Serializer):
    slot = serializers.UUIDField(help_text="Identifiant du créneau libre du spécialiste.")


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
