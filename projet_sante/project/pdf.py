"""The health project as a PDF (WeasyPrint): cover, table of contents with page numbers,
running header and footer, the sections, missions and actions, annexes, indicators.

Rendered in the background and cached per version and quarter as a "projet" report
(project/reports.py). The indicators are those of a closed quarter, in the aggregate view the
ARS/CPAM read (small counts masked): the same file serves managers and authority users.
"""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from ess.models import Team
from ess.pdf import html_to_pdf, render_html
from events.selectors.figures import campaign_totals
from projet_sante.indicators.display import indicators_context, masked_count
from projet_sante.indicators.periods import previous_quarter
from projet_sante.indicators.reports import cover_identity
from projet_sante.project.models import Action, ProjectVersion, SectionKey
from projet_sante.project.rich_text import render_rich_text
from projet_sante.project.selectors import version_content, version_signatures


def css_string(text: str) -> str:
    """A CSS string literal for @page margin boxes: the <style> element is raw text, so HTML
    escaping would show as is; CSS escapes instead (and nothing can close the element)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&' or ord(c) < 32 else c for c in str(text))
    return mark_safe(f'"{escaped}"')


def action_campaigns(version: ProjectVersion, missions: list) -> list[tuple]:
    """[(action, [campaign rows])] for the version's actions linked to campaigns, in the order
    of the tracking table: each campaign with the totals of all its actions (screenings and
    referrals describe patients: masked below the small-count threshold). Two queries."""
    links = list(
        Action.campaigns.through.objects.filter(action__mission__version=version)
        .select_related("campaign")
        .order_by("campaign__starts_on", "campaign__title", "campaign_id")
    )
    totals = campaign_totals({link.campaign_id for link in links})
    by_action: dict[int, list] = {}
    for link in links:
        campaign = link.campaign
        total = totals.get(campaign.pk, {})
        by_action.setdefault(link.action_id, []).append(
            {
                "title": campaign.title,
                "kind": campaign.get_kind_display(),
                "starts_on": campaign.starts_on,
                "ends_on": campaign.ends_on,
                "actions": total.get("actions_count", 0),
                "people_reached": masked_count(total.get("people_reached", 0), patient_data=False),
                "screenings": masked_count(total.get("screenings_done", 0)),
                "referrals": masked_count(total.get("referrals_generated", 0)),
            }
        )
    return [
        (action, by_action[action.pk])
        for mission in missions
        for action in mission.actions.all()
        if action.pk in by_action
    ]


def project_pdf_context(version: ProjectVersion, period=None) -> dict:
    period = period or previous_quarter()
    version = version_content(version.pk)
    team = Team.current()
    header = f"{team.short_name} · " if team else ""
    footer = version.get_status_display()
    if version.validated_at:
        footer += " le " + date_format(timezone.localtime(version.validated_at), "j F Y")
    bodies = {s.key: s.body for s in version.sections.all()}
    sections = [
        {"key": key, "label": label, "html": render_rich_text(bodies.get(key, ""))}
        for key, label in SectionKey.choices
    ]
    missions = list(version.missions.all())
    indicators = indicators_context(period, mask=True, freeze=True)
    by_code = indicators["by_code"]
    followed = [
        (action, [by_code[code] for code in action.indicator_codes if code in by_code])
        for mission in missions
        for action in mission.actions.all()
        if action.indicator_codes
    ]
    return {
        **indicators,
        "followed": followed,
        "action_campaigns": action_campaigns(version, missions),
        "version": version,
        "signatures": version_signatures(version),
        "team": team,
        "legal": cover_identity(),
        "header_css": css_string(f"{header}Projet de santé {version.label}"),
        "footer_css": css_string(footer),
        "sections": sections,
        "missions": missions,
        "annexes": list(version.annexes.all()),
        "today": timezone.localdate(),
    }


def project_pdf_html(version: ProjectVersion, period=None) -> str:
    """The HTML of the version's PDF (WeasyPrint turns it into the PDF)."""
    with translation.override("fr"):  # the context holds lazy labels
        return render_html("pdf/project.html", project_pdf_context(version, period))


def render_project_pdf(version: ProjectVersion, period=None) -> bytes:
    """A4 PDF of one version with the indicators of `period` (default: the last closed
    quarter). Reads only, apart from the quarter's snapshot taken on its first read (callers
    cache and audit)."""
    return html_to_pdf(project_pdf_html(version, period))
