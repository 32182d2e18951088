"""The API as Schemathesis sees it: the schema loaded from /api/schema/, requests sent in-process
to Django's WSGI application, and the checks every answer must pass."""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ess.api_auth import token_issue

# What every answer must be: no server error, and what the schema says, status code, content
# type, headers and body. Schemathesis' `negative_data_rejection` is left out: DRF reads a number
# sent for a text field as its digits, 0 and 1 as booleans and an empty page number as the first
# page, on purpose; a schema that listed every such reading would be harder to read, not truer.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@contextmanager
def wsgi_in_test_transaction():
    """Django's WSGI handler closes the database connection after each request; inside a test
    that would end the test's transaction. The test client disconnects the same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(name="api_schema")
def api_schema_fixture(db):
    """(schema, app): the OpenAPI document the API publishes, and the application it describes."""
    with wsgi_in_test_transaction() as app:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", app), app


def token_headers(user) -> dict:
    """`Authorization` with a new read-write API token of `user` (none for an anonymous call)."""
    if user is None:
        return {}
    _, key = token_issue(user=user, name="schemathesis", scope="read_write")
    return {"Authorization": f"Token {key}"}


def answer(api_schema, path: str, method: str, *, user=None, headers=None, **case):
    """The answer to one explicit request as `user`, after every check in CHECKS (a failed check
    raises, with the reproduction as a curl command)."""
    schema, app = api_schema
    headers = {**token_headers(user), **(headers or {})}
    case = schema[path][method].Case(**case)
    response = case.call(app=app, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
    return response
