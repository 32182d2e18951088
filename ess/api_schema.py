"""OpenAPI schema post-processing: the error answers every endpoint can give, with their body.

drf-spectacular documents what a view declares; the errors that come from the framework around it
(authentication, permissions, a malformed request, an unknown object) are added here once, so the
published schema lists every status the API really answers, and what the body looks like.
"""

_HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Message en français."}},
    "required": ["detail"],
}
# A 400 is either {"detail": …} (unreadable request) or messages per field.
BAD_REQUEST = {
    "type": "object",
    "description": "Messages par champ ({champ: [messages]}), ou {detail} si la requête est "
    "illisible.",
}
DESCRIPTIONS = {
    "400": "Requête invalide : messages par champ, ou requête illisible.",
    "401": "Non authentifié : jeton ou session absents ou invalides.",
    "403": "Action ou ressource non permise à cet utilisateur.",
    "404": "Inexistant, ou non visible par l'appelant (les deux cas sont indiscernables).",
    "409": "Transition impossible dans l'état actuel.",
}


def _content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def add_error_responses(result, generator, request, public):
    """Every operation: 400, 401 and 403; on a path with an identifier, 404; a documented 409
    gets its body. A response a view already documents keeps its description."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["ValidationErrors"] = BAD_REQUEST
    bodies = {
        "400": {"$ref": "#/components/schemas/ValidationErrors"},
        "401": {"$ref": "#/components/schemas/Error"},
        "403": {"$ref": "#/components/schemas/Error"},
        "404": {"$ref": "#/components/schemas/Error"},
        "409": {"$ref": "#/components/schemas/Error"},
    }
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            wanted = ["400", "401", "403"] + (["404"] if "{" in path else [])
            wanted += ["409"] if "409" in responses else []
            for code in wanted:
                response = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
                response.setdefault("content", _content(bodies[code]))
    return result
