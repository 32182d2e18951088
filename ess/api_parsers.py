"""Request-body parsers of the API."""

import json
import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from ess.security_middleware import CONTROL_IN_TEXT, control_message

# Our deepest payload (a referral: body → patient → field) is three levels; FHIR bundles reach
# about ten. Anything past this is an attack on the parser, not a request.
MAX_JSON_DEPTH = 32
# JSON's "\ud800" escapes decode to half of a UTF-16 pair: not text, and not encodable in UTF-8
# (the database driver, a log line or a renderer would fail on it).
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _refusal(document) -> ParseError | None:
    """Why a parsed document is refused, or None; walked without recursion.

    Arrays and objects nested deeper than MAX_JSON_DEPTH; a string or key holding a control
    character (the same rule as query parameters and form fields: tab and line breaks only,
    PostgreSQL cannot even store NUL) or a lone surrogate.
    """
    stack = [(document, 0, "")]
    while stack:
        node, depth, name = stack.pop()
        if isinstance(node, str):
            if CONTROL_IN_TEXT.search(node):
                return ParseError(control_message(name))
            if _LONE_SURROGATE.search(node):
                return ParseError(_not_utf8())
            continue
        if isinstance(node, dict):
            for key in node:
                if CONTROL_IN_TEXT.search(key) or _LONE_SURROGATE.search(key):
                    return ParseError(control_message("?"))
            children = [(v, f"{name}.{k}" if name else k) for k, v in node.items()]
        elif isinstance(node, list):
            children = [(v, name) for v in node]
        else:
            continue
        if depth + 1 > MAX_JSON_DEPTH:
            return _too_deep()
        stack.extend((child, depth + 1, child_name) for child, child_name in children)
    return None


class DepthLimitedJSONParser(JSONParser):
    """JSON whose nesting stays within MAX_JSON_DEPTH and whose text any field may hold;
    anything else is a 400 with a French message, never a crash.

    Python's decoder recurses once per level and raises RecursionError (a 500) near a thousand
    levels; below that, a deep document would still reach serializers and renderers that recurse
    the same way. A NUL reaching a lookup (a specialty code, say) made PostgreSQL fail (a 500).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        except ParseError as exc:
            # DRF's "JSON parse error - Expecting value: line 1 column 12 (char 11)", in English.
            raise _unreadable(exc.__context__) from None
        refusal = _refusal(data)
        if refusal is not None:
            raise refusal
        return data


def _too_deep() -> ParseError:
    return ParseError(
        _("Le JSON envoyé est imbriqué trop profondément : %(max)s niveaux au plus.")
        % {"max": MAX_JSON_DEPTH}
    )


def _unreadable(cause) -> ParseError:
    if isinstance(cause, UnicodeDecodeError):
        return ParseError(_not_utf8())
    if isinstance(cause, json.JSONDecodeError):
        return ParseError(
            _(
                "Le corps de la requête n'est pas un JSON valide (ligne %(line)s, colonne "
                "%(column)s) : elle a été refusée."
            )
            % {"line": cause.lineno, "column": cause.colno}
        )
    return ParseError(_("Le corps de la requête n'est pas un JSON valide : elle a été refusée."))


def _not_utf8() -> str:
    return _("La requête contient du texte qui n'est pas encodé en UTF-8 : elle a été refusée.")
