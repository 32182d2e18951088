"""Request-body parsers of the API."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Our deepest payload (a referral: body → patient → field) is three levels; FHIR bundles reach
# about ten. Anything past this is an attack on the parser, not a request.
MAX_JSON_DEPTH = 32


def _deeper_than(value, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`, walked without recursion."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class DepthLimitedJSONParser(JSONParser):
    """JSON whose nesting stays within MAX_JSON_DEPTH; deeper is a 400, never a crash.

    Python's decoder recurses once per level and raises RecursionError (a 500) near a thousand
    levels; below that, a deep document would still reach serializers and renderers that recurse
    the same way.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if _deeper_than(data, MAX_JSON_DEPTH):
            raise _too_deep()
        return data


def _too_deep() -> ParseError:
    return ParseError(
        _("Le JSON envoyé est imbriqué trop profondément : %(max)s niveaux au plus.")
        % {"max": MAX_JSON_DEPTH}
    )
