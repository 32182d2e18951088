"""The register of conventions: the page, its CSV for a spreadsheet and its printable PDF,
filtered alike (status, type), each export written to the audit trail."""

import itertools
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ess.audit import audit_record_many
from ess.models import AuditAction, Team
from ess.pdf import pdf_attachment, render_pdf
from ess.permissions import require
from ess.web.paging import page_of
from ess.web.spreadsheet import csv_response
from partners import permissions as perms
from partners.models import Convention, ConventionKind, ConventionStatus
from partners.selectors import convention_register


def _register_filters(request) -> dict:
    status = request.GET.get("statut", "")
    return {
        "status": status if status in ConventionStatus.values else "",
        "kind": request.GET.get("type", ""),
    }


@login_required
@require_GET
def register(request):
    require(perms.can_view_convention_register(request.user))
    filters = _register_filters(request)
    page = page_of(request, convention_register(request.user, **filters), 50)
    context = {
        "page": page,
        "filters": filters,
        "statuses": ConventionStatus.choices,
        "kinds": ConventionKind.objects.all(),
        "query": request.GET.urlencode(),
    }
    return render(request, "partners/register.html", context)


def _party_names(conventions) -> dict[int, list[str]]:
    names = defaultdict(list)
    for convention_id, name in (
        Convention.parties.through.objects.filter(convention__in=conventions.values("pk"))
        .order_by("partner__name", "partner_id")
        .values_list("convention_id", "partner__name")
    ):
        names[convention_id].append(name)
    return names


def _d(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@login_required
@require_GET
def register_csv(request):
    """The register for a spreadsheet: UTF-8 with a BOM (Excel opens it right), `;` separated."""
    require(perms.can_view_convention_register(request.user))
    register = convention_register(request.user, **_register_filters(request))
    # The conventions are read once, their parties' names as plain values in one more query
    # (prefetched partners cost a query set per convention), and audited in one INSERT, one
    # line per exported convention; the CSV is then streamed.
    conventions = list(register.prefetch_related(None))
    parties = _party_names(register)
    audit_record_many(request=request, action=AuditAction.EXPORT, objects=conventions)
    header = [
        "Intitulé",
        "Type",
        "Partenaires",
        "Statut",
        "Signée le",
        "Prise d'effet",
        "Échéance",
        "Prochaine évaluation",
        "Référent ESS",
        "Motif de résiliation",
    ]
    rows = (
        [
            c.title,
            c.kind.label,
            ", ".join(parties[c.pk]),
            c.get_status_display(),
            _d(c.signed_on),
            _d(c.effective_on),
            _d(c.end_on),
            _d(c.next_evaluation_on),
            c.referent.display_name if c.referent else "",
            c.termination_reason,
        ]
        for c in conventions
    )
    return csv_response(
        itertools.chain([header], rows), f"registre-conventions-{timezone.localdate():%Y-%m-%d}.csv"
    )


@login_required
@require_GET
def register_pdf(request):
    """The register, printable: an A4 landscape PDF (WeasyPrint), French dates, page numbers."""
    require(perms.can_view_convention_register(request.user))
    conventions = list(convention_register(request.user, **_register_filters(request)))
    pdf = render_pdf(
        "pdf/convention_register.html",
        {
            "conventions": conventions,
            "team": Team.current(),
            "today": timezone.localdate(),
            "by": request.user,
        },
    )
    audit_record_many(request=request, action=AuditAction.PRINT, objects=conventions)
    return pdf_attachment(pdf, f"registre-conventions-{timezone.localdate():%Y-%m-%d}.pdf")
