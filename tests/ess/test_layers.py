"""The layers (docs/architecture.md) hold without imports hidden inside functions.

import-linter (`make lint`) checks which app imports which, but it counts an import written
inside a function like any other: such an import is how a cycle between modules gets dodged
instead of opened. Project modules are imported at the top of a module, except where Django
wants them late: in an AppConfig's `ready()` (hooks and signal receivers connected once every
app is loaded)."""

import ast
import re
from pathlib import Path

import pytest
from celery import current_app

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "ess",
    "members",
    "partners",
    "scheduling",
    "referrals",
    "pathways",
    "meetings",
    "projet_sante",
    "portal",
)

# (file, function) where a late import of a project module is how Django wants it.
ALLOWED = {("apps.py", "ready")}


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _is_project_import(node) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] in PACKAGES
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] in PACKAGES for alias in node.names)
    return False


def _late_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Imports of project modules inside a function or a class body."""
    found = []

    def visit(node, scope: str | None):
        for child in ast.iter_child_nodes(node):
            if scope and _is_project_import(child) and (path.name, scope) not in ALLOWED:
                found.append(f"{path.relative_to(root)}:{child.lineno} (in {scope})")
            inner = scope
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = child.name
            visit(child, inner)

    visit(ast.parse(path.read_text(), filename=str(path)), None)
    return found


def test_no_project_module_is_imported_inside_a_function():
    late = [where for path in _sources() for where in _late_imports(path)]
    assert not late, "imported inside a function (open the cycle instead):\n" + "\n".join(late)


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    module = tmp_path / "services.py"
    module.write_text(
        "from ess.models import Team\n\n\n"
        "def helper():\n"
        "    from referrals.models import Referral\n\n"
        "    return Referral, Team\n"
    )
    assert _late_imports(module, tmp_path) == ["services.py:5 (in helper)"]


QUEUED_BY_NAME = re.compile(r"(?:enqueue_on_commit\(|task_queue\(|_TASK = )\s*\"(\w+\.[\w.]+)\"")


@pytest.mark.parametrize(
    "name",
    sorted({name for path in _sources() for name in QUEUED_BY_NAME.findall(path.read_text())}),
)
def test_a_task_queued_by_its_name_is_registered_when_django_starts(name):
    """Services queue the tasks that call them back by published name (ess.outbox)."""
    assert name in current_app.tasks
