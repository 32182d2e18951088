"""The English catalogue is complete: no string left untranslated, no fuzzy guess shipped."""

import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po"


def _entries(*flags: str) -> list[str]:
    output = subprocess.run(
        [shutil.which("msgattrib"), *flags, str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # msgattrib prints the header entry (msgid "") with whatever it selects.
    return [
        line for line in output.splitlines() if line.startswith("msgid ") and line != 'msgid ""'
    ]


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools absent")
@pytest.mark.parametrize("flag", ["--untranslated", "--only-fuzzy"])
def test_the_english_catalogue_is_complete(flag):
    assert _entries(flag) == []
