"""The documentation a plain clone carries: its links lead to files of the repository, and no
code, comment or document names the build stage that produced it."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")])
# Markdown links [text](target), images included; fenced code is left out before matching.
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
SKIPPED_DIRS = {".git", ".venv", ".tools", "var", "node_modules", "vendor", "__pycache__"}
TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".html",
    ".txt",
    ".css",
    ".js",
    ".toml",
    ".yml",
    ".cfg",
    ".example",
    "",
}


def relative_links(document: Path) -> list[str]:
    text = FENCE.sub("", document.read_text())
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t) and t[0] != "#"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_of_the_documentation_leads_to_a_file_of_the_repository(document):
    for target in relative_links(document):
        path = (document.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{target} sort du dépôt"
        assert path.exists(), f"{target} n'existe pas"


def test_the_repository_carries_its_licence_and_docs():
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in (ROOT / "LICENSE").read_text()
    assert {"design.md", "architecture.md", "features.md", "operations.md", "glossary.md"} <= {
        p.name for p in (ROOT / "docs").glob("*.md")
    }


def test_nothing_names_the_build_step_that_made_it():
    label = re.compile(r"\bsteps? [0-9]+[a-z]?\b", re.IGNORECASE)
    offenders = []
    for path in ROOT.rglob("*"):
        if SKIPPED_DIRS & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix not in TEXT_SUFFIXES or path.name in {"uv.lock", "test_docs.py"}:
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if label.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
