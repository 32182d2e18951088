"""A viewset's POST actions, each running one service on the object the URL names; the service's
refusals become HTTP statuses in ess.api_errors."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response


def transition_responses(
    ok, *, forbidden: str, conflict: str, invalid="Champs invalides.", missing=None
) -> dict:
    """The documented answers of a transition: the object (200), then 400, 403, 404 and 409
    with the given French descriptions."""
    return {
        200: ok,
        400: OpenApiResponse(description=invalid),
        403: OpenApiResponse(description=forbidden),
        404: OpenApiResponse(description=missing or "Inexistante ou non visible."),
        409: OpenApiResponse(description=conflict),
    }


class ServiceActionsMixin:
    # No docstring: the API schema would show it as every viewset's description.
    # `service_id_kwarg` names the object's id among the services' arguments;
    # `action_response(obj)` is what a transition answers (the object as the API shows it).

    service_id_kwarg: str

    def run_service(self, request, service, serializer_class=None, *, obj=None, **extra):
        """Validate the body with `serializer_class`, then call `service(<id>=obj.pk,
        by=request.user, **body, **extra)`; returns the object and what the service returned."""
        obj = obj or self.get_object()
        values = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            values = serializer.validated_data
        result = service(**{self.service_id_kwarg: obj.pk}, by=request.user, **values, **extra)
        return obj, result

    def transition(self, request, serializer_class, service, **options):
        obj, _result = self.run_service(request, service, serializer_class, **options)
        return Response(self.action_response(obj))

    def action_response(self, obj):
        raise NotImplementedError


def transition_action(name, service, serializer_class=None, *, url_path=None, **schema):
    """A viewset's `POST <id>/<name>/` that runs `service` through `ServiceActionsMixin.transition`
    and is documented with `schema` (extend_schema's arguments: summary, responses...)."""

    def view(self, request, **kwargs):
        return self.transition(request, serializer_class, service)

    view.__name__ = view.__qualname__ = name
    view = action(detail=True, methods=["post"], url_path=url_path)(view)
    return extend_schema(request=serializer_class, **schema)(view)
