"""`application/fhir+json` in and out."""

import json

from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer

from ess.api_parsers import DepthLimitedJSONParser

FHIR_JSON = "application/fhir+json"


class FhirJSONRenderer(BaseRenderer):
    """Resources as FHIR JSON. The `_format` parameter FHIR clients send (`json`, `application/
    fhir+json`) is accepted; any Accept is answered in JSON, the only format served."""

    media_type = FHIR_JSON
    format = "json"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if hasattr(data, "model_dump_json"):  # a fhir.resources model
            return data.model_dump_json(exclude_none=True).encode()
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class FhirJSONParser(DepthLimitedJSONParser):
    """`application/fhir+json` bodies, with the API's limits (depth, control characters)."""

    media_type = FHIR_JSON


class PlainJSONParser(DepthLimitedJSONParser):
    """Clients that send `application/json` are read the same way."""


PARSERS: list[type[BaseParser]] = [FhirJSONParser, PlainJSONParser]
