"""`application/fhir+json` in and out."""

import io
import json

from django.conf import settings
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer

from ess.api import PayloadTooLarge
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


class _BundleParser(BaseParser):
    """A JSON body of up to `ESS_FHIR_BUNDLE_MAX_BYTES`, the documents it carries in base64
    included, instead of Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` for every other body; beyond,
    a 413 before the body is read. Not a JSONParser: DRF reads a JSONParser's body through
    `request.body`, which holds Django's limit."""

    json_parser: type[DepthLimitedJSONParser]

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.ESS_FHIR_BUNDLE_MAX_BYTES
        request = (parser_context or {}).get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
        except ValueError:
            declared = 0
        if declared > limit:
            raise PayloadTooLarge(limit)
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise PayloadTooLarge(limit)
        return self.json_parser().parse(io.BytesIO(body), media_type, parser_context)


class FhirBundleParser(_BundleParser):
    media_type = FHIR_JSON
    json_parser = FhirJSONParser


class PlainBundleParser(_BundleParser):
    media_type = "application/json"
    json_parser = PlainJSONParser


# For the endpoint that receives documents (the transaction Bundle).
BUNDLE_PARSERS: list[type[BaseParser]] = [FhirBundleParser, PlainBundleParser]
