"""The start-up check of ESS_BASE_URL."""

import pytest

from ess.checks import base_url_check


@pytest.mark.parametrize(
    ("debug", "base_url", "expected"),
    [
        (False, "http://127.0.0.1:8000", ["ess.W401"]),
        (False, "", ["ess.W401"]),
        (False, "https://ess.example.org", []),
        (True, "http://127.0.0.1:8000", []),
        (True, "http://127.0.0.1:8010", []),
    ],
)
def test_production_warns_about_the_development_base_url(settings, debug, base_url, expected):
    settings.DEBUG = debug
    settings.ESS_BASE_URL = base_url
    assert [message.id for message in base_url_check(None)] == expected


def test_the_check_runs_at_every_start_not_only_with_deploy():
    from django.core.checks import registry

    assert base_url_check in registry.registry.get_checks(include_deployment_checks=False)


def test_the_warning_is_translated(settings):
    from django.utils import translation

    settings.DEBUG = False
    settings.ESS_BASE_URL = "http://127.0.0.1:8000"
    with translation.override("en"):
        (warning,) = base_url_check(None)
    assert warning.msg.startswith("ESS_BASE_URL is http://127.0.0.1:8000")
    assert warning.hint.startswith("Set ESS_BASE_URL")
