"""The app's three parts (project, indicators, newsletter) are packages of one Django app: the
tables, the Celery task names and the layering between the parts hold whatever moves inside."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from ess.celery import app as celery_app

APP_DIR = Path(__file__).resolve().parents[2] / "projet_sante"

# The tables as the migrations created them: a model moved to another app without
# SeparateDatabaseAndState would drop and recreate its table.
TABLES = {
    "projet_sante_action",
    "projet_sante_generatedreport",
    "projet_sante_indicatorsnapshot",
    "projet_sante_indicatortarget",
    "projet_sante_mission",
    "projet_sante_newsletter",
    "projet_sante_newsletterdelivery",
    "projet_sante_projectannex",
    "projet_sante_projectcomment",
    "projet_sante_projectsection",
    "projet_sante_projectversion",
    "projet_sante_subscriber",
    "projet_sante_transmission",
    "projet_sante_transmissionrecipient",
    "projet_sante_unsubscription",
    "projet_sante_versionevent",
    "projet_sante_versionsignature",
}

# Names on the wire: beat's schedule and messages already queued (batches, renders).
TASK_NAMES = {
    "projet_sante.tasks.draft_quarterly_newsletter": "projet_sante.newsletter.tasks",
    "projet_sante.tasks.send_newsletter_batch": "projet_sante.newsletter.tasks",
    "projet_sante.tasks.resume_stalled_newsletters": "projet_sante.newsletter.tasks",
    "projet_sante.tasks.snapshot_quarterly_indicators": "projet_sante.indicators.tasks",
    "projet_sante.tasks.snapshot_indicators": "projet_sante.indicators.tasks",
    "projet_sante.tasks.render_report": "projet_sante.indicators.tasks",
}

# Which part may import which: indicators is the base, project and newsletter sit on it and
# never on each other.
MAY_NOT_IMPORT = {
    "indicators": ("projet_sante.project", "projet_sante.newsletter"),
    "project": ("projet_sante.newsletter",),
    "newsletter": ("projet_sante.project",),
}


def test_every_model_keeps_its_app_and_its_table():
    models = list(apps.get_app_config("projet_sante").get_models())
    assert {model._meta.db_table for model in models} == TABLES
    assert {model._meta.app_label for model in models} == {"projet_sante"}


def test_a_worker_registers_every_task_under_its_published_name():
    celery_app.loader.import_default_modules()  # what a worker does when it starts
    for name, module in TASK_NAMES.items():
        assert name in celery_app.tasks, name
        assert celery_app.tasks[name].__module__ == module
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {name for name in scheduled if name.startswith("projet_sante.")} <= set(TASK_NAMES)


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


@pytest.mark.parametrize("part", sorted(MAY_NOT_IMPORT))
def test_a_part_imports_only_the_parts_below_it(part):
    forbidden = MAY_NOT_IMPORT[part]
    offending = {
        f"{path.relative_to(APP_DIR)}: {module}"
        for path in (APP_DIR / part).rglob("*.py")
        for module in _imported_modules(path)
        if module.startswith(forbidden)
    }
    assert not offending
