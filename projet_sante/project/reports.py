"""The health project as a generated report ("projet"): one cached PDF per version and per
closed quarter of indicators, rendered in the background by the indicators part's machinery
(`projet_sante.indicators.reports`), which this module plugs into when the app is ready."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projet_sante.indicators.periods import Period, parse_period, previous_quarter
from projet_sante.indicators.reports import (
    ReportKind,
    period_is_fresh,
    register_report_kind,
    request_report,
)
from projet_sante.indicators.transmissions import report_transmit
from projet_sante.project.models import ProjectVersion, VersionStatus
from projet_sante.project.pdf import render_project_pdf
from projet_sante.project.selectors import versions_visible_to

KIND = "projet"


def project_report_key(version: ProjectVersion, quarter: Period | None = None) -> str:
    """ "<version pk>:<quarter key>": one file per version and per closed quarter shown."""
    return f"{version.pk}:{(quarter or previous_quarter()).key}"


def project_report_version_pk(key: str) -> int:
    """The version a "projet" report key names (the one place that reads the key)."""
    return int(key.partition(":")[0])


def project_report_request(version: ProjectVersion, *, by):
    """The PDF of `version` with the indicators of the last closed quarter: the cached file, or
    a pending report queued for rendering."""
    return request_report(KIND, project_report_key(version), by=by)


def _key_parts(key: str) -> tuple[ProjectVersion, Period]:
    version = ProjectVersion.objects.get(pk=project_report_version_pk(key))
    return version, parse_period(key.partition(":")[2])


def render_project_report(key: str) -> bytes:
    return render_project_pdf(*_key_parts(key))


def _title(key: str) -> str:
    version, period = _key_parts(key)
    return str(_("Projet de santé %(version)s · indicateurs %(period)s")) % {
        "version": version.label,
        "period": period.label,
    }


def _filename(key: str) -> str:
    version, period = _key_parts(key)
    return f"projet-de-sante-{version.label}-{period.key}.pdf"


def _back(key: str) -> tuple[str, str]:
    version = ProjectVersion.objects.get(pk=project_report_version_pk(key))
    return (
        reverse("projet_sante:project_version", args=[version.public_id]),
        str(_("Retour au projet de santé")),
    )


def _is_fresh(report) -> bool:
    """Stale when the version changed since (a draft, or a version sent back for revision) or
    when its indicators were not final yet."""
    version, period = _key_parts(report.key)
    if version.updated_at > report.requested_at:  # requested before the change: render again
        return False
    return period_is_fresh(period, report.finished_at)


def _visible_to(user, key: str) -> bool:
    """The report follows its version: an authority user never gets a draft that was not
    submitted to them."""
    return versions_visible_to(user).filter(pk=project_report_version_pk(key)).exists()


def _not_transmittable(key: str) -> str:
    """A draft never submitted is the ESS's own: it reaches the ARS/CPAM by submission."""
    shown = ~Q(status=VersionStatus.DRAFT) | Q(submitted_at__isnull=False)
    if ProjectVersion.objects.filter(shown, pk=project_report_version_pk(key)).exists():
        return ""
    return str(_("Une version en brouillon jamais soumise ne se transmet pas : soumettez-la."))


def project_report_transmit(version: ProjectVersion, *, institutions, message: str, by):
    """Send the version's PDF (indicators of the last closed quarter) to the ARS/CPAM."""
    return report_transmit(
        kind=KIND,
        key=project_report_key(version),
        institutions=institutions,
        message=message,
        by=by,
    )


def register() -> None:
    register_report_kind(
        KIND,
        ReportKind(
            title=_title,
            filename=_filename,
            back=_back,
            is_fresh=_is_fresh,
            visible_to=_visible_to,
            not_transmittable=_not_transmittable,
        ),
        render_project_report,
    )
