from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response

from ess.models import Notification
from ess.notifications import notification_mark_read
from ess.selectors import communes_search
from ess.workflow import available_actions


class Conflict(APIException):
    """409: the action does not fit the object's current state (a service's TransitionNotAllowed
    or IdempotencyConflict)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PayloadTooLarge(APIException):
    """413: a request body larger than the endpoint reads, refused before it is parsed."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self, max_bytes: int):
        super().__init__(
            _("La requête dépasse la taille acceptée (%(limit)s au plus) : elle a été refusée.")
            % {"limit": filesizeformat(max_bytes)}
        )


# Mixed into a serializer whose fields depend on nothing but its class: they are worked out once
# per class (for a ModelSerializer, the introspection of the model's fields, the costliest part of
# serializing one object), then each instance gets fresh ones to bind. A comment, not a
# docstring: the OpenAPI document would show it as the description of every such serializer.
class FieldsBuiltOnce:
    def get_fields(self):
        cls = type(self)
        if "_fields_built" not in cls.__dict__:
            cls._fields_built = super().get_fields()
        return {name: _unbound_copy(field) for name, field in cls._fields_built.items()}


def _unbound_copy(field: serializers.Field) -> serializers.Field:
    """A new field made with the arguments `field` was made with, as DRF's deepcopy of a field
    does, but sharing the values DRF never changes (texts, choices, querysets it clones before
    use) instead of copying them; a field given as an argument (a list's child) is copied."""

    def fresh(value):
        return _unbound_copy(value) if isinstance(value, serializers.Field) else value

    args = [fresh(value) for value in field._args]
    kwargs = {key: fresh(value) for key, value in field._kwargs.items()}
    return type(field)(*args, **kwargs)


# Someone named in an answer (requester, specialist, author): public id and display name only.
class PublicReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # No docstring: the API schema would show it as every viewset's description.
    # Objects listed, and read by their public id (`<id>` in the URL, never the primary key).
    lookup_field = "public_id"
    lookup_url_kwarg = "id"


class PersonSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="display_name")


class AllowedActionsField(serializers.ListField):
    """`allowed_actions` on an object with a workflow: the actions the requesting user may take
    on it now (ess.workflow.available_actions), by the names of their endpoints."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", "Actions que vous pouvez effectuer maintenant (noms des points d'accès)."
        )
        super().__init__(child=serializers.CharField(), read_only=True, source="*", **kwargs)

    def to_representation(self, obj) -> list[str]:
        return available_actions(self.context["request"].user, obj)


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
    organisation = serializers.CharField(source="organisation.name", default=None, allow_null=True)

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


class NotificationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    urgent = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


@extend_schema(
    summary="Les notifications de l'appelant (les plus récentes d'abord)",
    parameters=[OpenApiParameter("unread", bool, description="Non lues seulement")],
)
class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # the schema's model; rows come from get_queryset

    def get_queryset(self):
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at=None)
        return qs


@extend_schema(request=None, responses={204: None}, summary="Marquer une notification comme lue")
@api_view(["POST"])
def notification_read(request, public_id):
    marked = notification_mark_read(user=request.user, public_id=public_id)
    if (
        not marked
        and not Notification.objects.filter(recipient=request.user, public_id=public_id).exists()
    ):
        raise NotFound
    return Response(status=204)
