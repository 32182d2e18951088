"""The English catalogue is complete: no string left untranslated, no fuzzy guess shipped."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po"


def _entries(*flags: str, catalogue: Path = CATALOGUE) -> list[str]:
    output = subprocess.run(
        [shutil.which("msgattrib"), *flags, str(catalogue)],
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


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools absent")
@pytest.mark.skipif(shutil.which("git") is None, reason="git absent")
def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    """A string added to the code without its English line shows in French to an English
    reader. The catalogue, updated from a copy of the code as `makemessages` does (CONTRIBUTING),
    gains no untranslated or fuzzy entry."""
    root = CATALOGUE.parents[3]
    files = subprocess.run(
        [shutil.which("git"), "ls-files", "*.py", "*.html", "*.txt", "locale/*"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-v", "0", "--ignore=bench"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "1", "ESS_ENV_FILE": ""},
        check=True,
    )
    updated = tmp_path / CATALOGUE.relative_to(root)

    assert _entries("--untranslated", catalogue=updated) == []
    assert _entries("--only-fuzzy", catalogue=updated) == []
