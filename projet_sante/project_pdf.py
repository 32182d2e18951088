"""The health project as a PDF (WeasyPrint): cover, table of contents with page numbers,
running header and footer, the sections, missions and actions, annexes, indicators.

Rendered synchronously for now; the background cache (projet_sante/reports.py) can call
`render_project_pdf` as its renderer for the "project" report.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ess.models import Team
from projet_sante.models import ProjectVersion, SectionKey
from projet_sante.project_selectors import version_content
from projet_sante.rich_text import render_rich_text


def project_pdf_context(version: ProjectVersion) -> dict:
    version = version_content(version.pk)
    bodies = {s.key: s.body for s in version.sections.all()}
    sections = [
        {"key": key, "label": label, "html": render_rich_text(bodies.get(key, ""))}
        for key, label in SectionKey.choices
    ]
    return {
        "version": version,
        "team": Team.current(),
        "sections": sections,
        "missions": list(version.missions.all()),
        "annexes": list(version.annexes.all()),
        "today": timezone.localdate(),
    }


def render_project_pdf(version: ProjectVersion) -> bytes:
    """A4 PDF of one version. Pure: reads the version, writes nothing (callers audit)."""
    from weasyprint import HTML

    with translation.override("fr"):
        html = render_to_string("pdf/project.html", project_pdf_context(version))
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
