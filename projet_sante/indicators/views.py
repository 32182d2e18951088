"""Indicator pages: the dashboard, its CSV, targets, and the generated reports (PDF).

Managers see exact figures; ARS/CPAM users (authority) see aggregates with small counts masked.
Nobody here ever sees a patient or a referral.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ess.models import Departement, Specialty
from ess.permissions import require
from ess.web.downloads import private_download
from ess.web.spreadsheet import csv_response
from members.models import OrganisationKind
from projet_sante.indicators import permissions as perms
from projet_sante.indicators.display import (
    decimal_comma,
    indicators_context,
    mask_label,
    present,
    small_count_threshold,
    viewer_masks,
)
from projet_sante.indicators.forms import TransmissionForm
from projet_sante.indicators.models import Comparison, GeneratedReport, ReportStatus
from projet_sante.indicators.periods import (
    PeriodError,
    clean_filters,
    current_quarter,
    custom_period,
    filters_from,
    parse_period,
    report_quarters,
)
from projet_sante.indicators.registry import REGISTRY, UNIT_LABELS, Unit
from projet_sante.indicators.reports import (
    report_back,
    report_filename,
    report_get_for_user,
    report_title,
    request_report,
)
from projet_sante.indicators.selectors import indicator_targets, indicators_for
from projet_sante.indicators.services import indicator_target_set

# The dashboard's filter fields and their (French) names in the query string.
FILTER_PARAMS = {
    "specialty": "specialite",
    "requester_type": "type",
    "departement": "departement",
    "commune": "commune",
}


def _period_and_filters(params):
    """(period, filters, errors) from the GET form; a bad input falls back to the current
    quarter with the French message shown."""
    errors = []
    choice = params.get("periode", "") or current_quarter().key
    try:
        if choice == "personnalisee":
            period = custom_period(params.get("du", ""), params.get("au", ""))
        else:
            period = parse_period(choice)
    except PeriodError as exc:
        errors.append(str(exc))
        period = current_quarter()
    try:
        filters = filters_from(params, names=FILTER_PARAMS)
    except PeriodError as exc:
        errors.append(str(exc))
        filters = clean_filters()
    return period, filters, errors


def _period_choices() -> list[tuple[str, str]]:
    quarters = current_quarter().previous_quarters(8)[::-1]
    choices = [(q.key, q.label) for q in quarters]
    year = quarters[0].first.year
    choices += [(str(y), _("Année %(year)s") % {"year": y}) for y in (year, year - 1)]
    choices.append(("personnalisee", _("Dates personnalisées…")))
    return choices


@login_required
@require_GET
def dashboard(request):
    require(perms.can_view_indicators(request.user))
    period, filters, errors = _period_and_filters(request.GET)
    context = indicators_context(period, filters, mask=viewer_masks(request.user))
    context.update(
        {
            "errors": errors,
            "period_choices": _period_choices(),
            "selected": request.GET.get("periode", "") or period.key,
            "specialties": Specialty.objects.filter(team__isnull=False).order_by("label")
            or Specialty.objects.order_by("label"),
            "types": OrganisationKind.choices,
            "departements": Departement.objects.filter(team__isnull=False).order_by("code"),
            "query": request.GET.urlencode(),
            "can_edit_targets": perms.can_edit_indicator_targets(request.user),
            "can_request_report": perms.can_download_reports(request.user),
            "can_view_transmissions": perms.can_view_transmissions(request.user),
            "transmit_form": (
                TransmissionForm() if perms.can_transmit_reports(request.user) else None
            ),
            **report_quarters(period),
        }
    )
    return render(request, "projet_sante/indicators/dashboard.html", context)


@login_required
@require_GET
def dashboard_csv(request):
    """The same figures for a spreadsheet: UTF-8 with a BOM, `;` separated, decimal comma."""
    require(perms.can_view_indicators(request.user))
    period, filters, errors = _period_and_filters(request.GET)
    if errors:
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    # The figures alone (no trend, no chart): a snapshot read for an ended quarter.
    figures = indicators_for(period, filters)
    presented = present(
        figures.values, mask=viewer_masks(request.user), targets=indicator_targets()
    )
    source = _("instantané figé") if figures.from_snapshot else _("calcul")
    # A masked figure leaves its value empty and says so in a column of its own: "< 10" in a
    # rate's column would read as "under 10 %".
    masked = _("masqué : moins de %(n)s cas") % {"n": small_count_threshold()}
    # A part hidden with a small one so that it cannot be found again from the total.
    companion = _("masqué avec une petite valeur (sinon déductible du total)")
    rows = [
        [_("Période"), period.label],
        [_("Filtres"), filters.key or _("aucun")],
        [_("Source"), source],
        [],
        [
            _("Code"),
            _("Indicateur"),
            _("Détail"),
            _("Valeur"),
            _("Unité"),
            _("Base (cas)"),
            _("Objectif"),
            _("Objectif atteint"),
            _("Donnée"),
        ],
    ]
    for row in presented:
        ind = row.indicator
        unit = UNIT_LABELS[ind.unit]
        base = "" if row.masked else row.n
        target = row.target.display if row.target else ""
        met = "" if row.target_met is None else (_("oui") if row.target_met else _("non"))
        if ind.unit == Unit.DISTRIBUTION:
            if row.masked:
                rows.append([ind.code, ind.label, "", "", "", "", "", "", masked])
            for label, value, hidden, display in row.parts:
                rows.append(
                    [
                        ind.code,
                        ind.label,
                        label,
                        "" if hidden else value,
                        "",
                        "",
                        "",
                        "",
                        (masked if display == mask_label() else companion) if hidden else "",
                    ]
                )
            continue
        value = "" if row.masked else decimal_comma(row.value)
        rows.append(
            [ind.code, ind.label, "", value, unit, base, target, met, masked if row.masked else ""]
        )
    filename = f"indicateurs-{period.key.replace('..', '_')}.csv"
    return csv_response(rows, filename)


@login_required
def targets(request):
    """Managers set the health project's targets, one line per indicator."""
    require(perms.can_edit_indicator_targets(request.user))
    editable = [i for i in REGISTRY if i.unit != Unit.DISTRIBUTION]
    current = indicator_targets()
    errors = {}
    if request.method == "POST":
        for ind in editable:
            raw = request.POST.get(f"{ind.code}-value", "").strip().replace(",", ".")
            comparison = request.POST.get(f"{ind.code}-comparison", Comparison.AT_LEAST)
            note = request.POST.get(f"{ind.code}-note", "")
            try:
                value = Decimal(raw) if raw else None
                indicator_target_set(
                    code=ind.code, value=value, comparison=comparison, note=note, by=request.user
                )
            except InvalidOperation:
                errors[ind.code] = _("Saisissez un nombre (ex. : 80 ou 12,5).")
            except ValidationError as exc:
                errors[ind.code] = " ".join(exc.messages)
        if not errors:
            messages.success(request, _("Objectifs enregistrés."))
            return redirect("projet_sante:indicators")
        current = indicator_targets()
    lines = [
        {
            "indicator": ind,
            "target": current.get(ind.code),
            "error": errors.get(ind.code, ""),
            "posted": request.POST.get(f"{ind.code}-value", "") if errors else "",
        }
        for ind in editable
    ]
    return render(
        request,
        "projet_sante/indicators/targets.html",
        {"lines": lines, "comparisons": Comparison.choices, "has_errors": bool(errors)},
        status=400 if errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Generated reports
# ---------------------------------------------------------------------------------------------
def posted_quarter(request):
    """The quarter a report form posts (`periode`), begun by today; PeriodError with the reason
    in French otherwise."""
    period = parse_period(request.POST.get("periode", ""))
    if period.kind != "quarter":
        raise PeriodError(_("Le rapport d'activité porte sur un trimestre."))
    if period.first > timezone.localdate():
        raise PeriodError(_("Ce trimestre n'a pas commencé."))
    return period


@login_required
@require_POST
def report_quarterly(request):
    """Ask for the quarterly activity report of a quarter (cached; rendered in the background)."""
    require(perms.can_download_reports(request.user))
    try:
        period = posted_quarter(request)
    except PeriodError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    report = request_report("quarterly", period.key, by=request.user)
    return redirect_to_report(report)


def redirect_to_report(report: GeneratedReport):
    """Ready (cached, or rendered at once by an eager worker): straight to the audited
    download; otherwise the report's page, which follows the rendering."""
    report.refresh_from_db(fields=["status"])
    if report.status == ReportStatus.READY:
        return redirect("projet_sante:report_download", public_id=report.public_id)
    return redirect("projet_sante:report_detail", public_id=report.public_id)


def _report_for(user, public_id) -> GeneratedReport:
    require(perms.can_download_reports(user))
    return report_get_for_user(user, public_id)


@login_required
@require_GET
def report_detail(request, public_id):
    """The report's page: "en cours de génération" (polled by htmx) or the download link."""
    report = _report_for(request.user, public_id)
    template = (
        "projet_sante/indicators/_report_status.html"
        if request.headers.get("HX-Request")
        else "projet_sante/indicators/report_detail.html"
    )
    back_url, back_label = report_back(report)
    return render(
        request,
        template,
        {
            "report": report,
            "title": report_title(report),
            "back_url": back_url,
            "back_label": back_label,
            "statuses": ReportStatus,
        },
    )


@login_required
@require_GET
def report_download(request, public_id):
    report = _report_for(request.user, public_id)
    if report.status != ReportStatus.READY or not report.file:
        raise Http404
    return private_download(
        request,
        report,
        file=report.file,
        filename=report_filename(report),
        content_type="application/pdf",
        label=f"{report.kind}:{report.key}",
    )
