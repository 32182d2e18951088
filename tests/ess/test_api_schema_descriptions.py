"""The API's documentation (/api/docs/, from /api/schema/) describes objects for the API's users:
no serializer's developer note (an English docstring) is published as a description."""

import inspect

import pytest
from rest_framework import serializers

pytestmark = pytest.mark.django_db


def _project_classes(base):
    seen, stack = set(), [base]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return {cls for cls in seen if not cls.__module__.startswith(("rest_framework", "drf_"))}


def test_no_docstring_of_a_serializer_or_its_mixins_is_a_schema_description(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    docstrings = {
        inspect.getdoc(klass)
        for cls in _project_classes(serializers.BaseSerializer)
        for klass in cls.__mro__
        if klass.__module__.split(".")[0] not in {"rest_framework", "builtins", "typing"}
        and inspect.getdoc(klass)
    }

    published = {
        name: component["description"]
        for name, component in schema["components"]["schemas"].items()
        if component.get("description") in docstrings
    }

    assert published == {}
