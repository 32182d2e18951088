"""OpenAPI schema post-processing: the error answers every endpoint can give, with their body.

drf-spectacular documents what a view declares; the errors that come from the framework around it
(authentication, permissions, throttling, a malformed request, an unknown object or page) are
added here once, so the published schema lists every status the API really answers, and what the
body looks like.
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
    "413": "Corps de la requête trop volumineux (5 Mio au plus ; les fichiers s'envoient en "
    "multipart, 20 Mio par fichier).",
    "429": "Trop de requêtes : la limite du compte (ou de l'adresse, sans authentification) est "
    "atteinte. Réessayer après le délai donné par l'en-tête Retry-After.",
}
# A list's `page` beyond the last one, or not a page number: DRF's pagination answers 404.
PAGE_NOT_FOUND = "Page inexistante : au-delà de la dernière, ou numéro de page invalide."
RETRY_AFTER = {
    "Retry-After": {
        "description": "Secondes à attendre avant de réessayer.",
        "schema": {"type": "integer", "minimum": 0},
    }
}


def _content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _paginated(operation: dict) -> bool:
    return any(
        p.get("in") == "query" and p["name"] == "page" for p in operation.get("parameters", [])
    )


def add_error_responses(result, generator, request, public):
    """Every operation: 400, 401, 403 and 429 (API throttling, with Retry-After); on a path with
    an identifier or a paginated list, 404; with a request body, 413; a documented 409 gets its
    body. A response a view
    already documents keeps its description."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["ValidationErrors"] = BAD_REQUEST
    bodies = {
        "400": {"$ref": "#/components/schemas/ValidationErrors"},
        "401": {"$ref": "#/components/schemas/Error"},
        "403": {"$ref": "#/components/schemas/Error"},
        "404": {"$ref": "#/components/schemas/Error"},
        "409": {"$ref": "#/components/schemas/Error"},
        "413": {"$ref": "#/components/schemas/Error"},
        "429": {"$ref": "#/components/schemas/Error"},
    }
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            wanted = ["400", "401", "403", "429"]
            wanted += ["404"] if "{" in path or _paginated(operation) else []
            wanted += ["409"] if "409" in responses else []
            wanted += ["413"] if "requestBody" in operation else []
            for code in wanted:
                description = DESCRIPTIONS[code]
                if code == "404" and "{" not in path:
                    description = PAGE_NOT_FOUND
                response = responses.setdefault(code, {"description": description})
                response.setdefault("content", _content(bodies[code]))
            responses["429"].setdefault("headers", RETRY_AFTER)
    return result
