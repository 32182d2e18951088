"""API: the indicators of a period, as on the dashboard (managers exact, authority masked)."""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from projet_sante.indicators.display import indicators_context, viewer_masks
from projet_sante.indicators.periods import (
    PeriodError,
    current_quarter,
    filters_from,
    parse_period,
)
from projet_sante.indicators.permissions import can_view_indicators

# The filter fields, named as they are in the query string.
FILTER_PARAMS = {name: name for name in ("specialty", "requester_type", "departement", "commune")}


class CanViewIndicators(BasePermission):
    def has_permission(self, request, view):
        return can_view_indicators(request.user)


@extend_schema_field(
    {
        "anyOf": [
            {"type": "number"},
            {"type": "object", "additionalProperties": {"type": ["integer", "null"]}},
            {"type": "null"},
        ]
    }
)
class IndicatorValueField(serializers.JSONField):
    """A number, a distribution {label: count or null when masked}, or null (masked/absent)."""


class TargetSerializer(serializers.Serializer):
    comparison = serializers.CharField(help_text="gte (au moins) ou lte (au plus)")
    value = serializers.FloatField()
    met = serializers.BooleanField(allow_null=True, help_text="null sans valeur à comparer")


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(help_text="count, percent, hours, minutes ou distribution")
    description = serializers.CharField()
    better = serializers.CharField(help_text="higher, lower ou vide")
    value = IndicatorValueField(
        allow_null=True,
        help_text="Nombre, objet {clé: effectif} pour une répartition, ou null si masqué/absent.",
    )
    masked = serializers.BooleanField(help_text="Masqué : porte sur moins de cas que le seuil.")
    display = serializers.CharField(help_text="Valeur affichée (ex. « 66,7 % », « < 10 »).")
    n = serializers.IntegerField(allow_null=True, help_text="Base (nombre de cas), null si masqué.")
    target = TargetSerializer(allow_null=True, help_text="L'objectif du projet de santé, ou null.")


def _indicator_payload(row) -> dict:
    ind = row.indicator
    value = row.value
    if ind.unit == "distribution" and not row.masked:
        value = {label: (None if hidden else count) for label, count, hidden, _d in row.parts}
    target = None
    if row.target is not None:
        target = {
            "comparison": row.target.comparison,
            "value": float(row.target.value),
            "met": row.target_met,
        }
    return {
        "code": ind.code,
        "label": str(ind.label),
        "unit": ind.unit,
        "description": str(ind.description),
        "better": ind.better,
        "value": value,
        "masked": row.masked,
        "display": row.display,
        "n": None if row.masked else row.n,
        "target": target,
    }


@extend_schema(
    summary="Indicateurs d'une période (direction et ARS/CPAM)",
    description=(
        "Chiffres agrégés calculés par la base ; un trimestre clos est lu dans son instantané "
        "figé. Pour les utilisateurs ARS/CPAM, les valeurs portant sur moins de "
        "ESS_SMALL_COUNT_THRESHOLD cas sont masquées (`masked`, `value` null, `display` « < N »)"
        " ; dans une répartition, une petite part seule masque aussi la plus petite des autres "
        "(null), pour qu'on ne la retrouve pas en soustrayant les autres du total."
    ),
    parameters=[
        OpenApiParameter(
            "period",
            str,
            description="2026-Q3 (ou 2026-T3), 2026, ou 2026-01-15..2026-02-20 ; défaut : "
            "trimestre en cours",
        ),
        OpenApiParameter("specialty", str, description="Code de spécialité (ex. cardiologie)"),
        OpenApiParameter("requester_type", str, description="Type d'organisation du demandeur"),
        OpenApiParameter("departement", str, description="Département de résidence du patient"),
        OpenApiParameter("commune", str, description="Commune de résidence (code INSEE)"),
    ],
    responses=inline_serializer(
        "IndicatorsResponse",
        {
            "period": serializers.CharField(),
            "period_label": serializers.CharField(),
            "start": serializers.DateField(),
            "end": serializers.DateField(),
            "filters": serializers.DictField(child=serializers.CharField()),
            "from_snapshot": serializers.BooleanField(),
            "computed_at": serializers.DateTimeField(),
            "masked_below": serializers.IntegerField(allow_null=True),
            "indicators": IndicatorSerializer(many=True),
        },
    ),
)
@api_view(["GET"])
@permission_classes([CanViewIndicators])
def indicators(request):
    params = request.query_params
    try:
        period = parse_period(params["period"]) if params.get("period") else current_quarter()
        filters = filters_from(params, names=FILTER_PARAMS)
    except PeriodError as exc:
        return Response({"detail": str(exc)}, status=400)
    mask = viewer_masks(request.user)
    context = indicators_context(period, filters, mask=mask)
    figures = context["figures"]
    return Response(
        {
            "period": period.key,
            "period_label": period.label,
            "start": period.first,
            "end": period.last,
            "filters": {k: v for k, v in filters.__dict__.items() if v},
            "from_snapshot": figures.from_snapshot,
            "computed_at": figures.computed_at,
            "masked_below": context["threshold"] if mask else None,
            "indicators": [_indicator_payload(row) for row in context["rows"]],
        }
    )
