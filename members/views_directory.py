"""The directory of competences: for signed-in professionals (filters, htmx), the public page
(only what members agreed to publish) and the managers' CSV export."""

import itertools

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ess.models import Departement, Specialty
from ess.permissions import require
from ess.web.paging import page_of
from ess.web.spreadsheet import csv_response
from members import permissions as perms
from members.models import Competence, Participation, PracticeSite
from members.selectors import directory_search, directory_visible_to, public_directory
from members.services import CSV_COLUMNS
from members.services.directory import CSV_PARTICIPATIONS

FILTERS = ("specialite", "competence", "commune", "departement", "participation", "q")


def _filters(request) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip() for key in FILTERS}


def _search(qs, filters: dict[str, str]):
    return directory_search(
        qs,
        specialty=filters["specialite"],
        competence=filters["competence"],
        # The commune picker submits "45234 — Orléans (45000)": the INSEE code leads.
        commune=filters["commune"].split(" ", 1)[0].upper(),
        departement=filters["departement"],
        participation=filters["participation"],
        q=filters["q"],
    )


def _options() -> dict:
    return {
        "specialties": Specialty.objects.exclude(code="medecine-generale"),
        "competences": Competence.objects.select_related("specialty").order_by(
            "specialty__label", "label"
        ),
        "departements": Departement.objects.filter(
            code__in=PracticeSite.objects.values("commune__departement_id")
        ),
        "participations": Participation.choices,
    }


@login_required
@require_GET
def directory(request):
    """One URL for the page and, for htmx, the results fragment the page includes."""
    require(perms.can_view_directory(request.user))
    filters = _filters(request)
    page = page_of(request, _search(directory_visible_to(request.user), filters), 25)
    context = {
        "page": page,
        "filters": filters,
        "options": _options(),
        "can_export": perms.can_export_directory(request.user),
        "can_view_organisation": perms.can_view_organisation(request.user),
        "query_string": request.GET.urlencode(),
    }
    if request.htmx and request.htmx.target == "directory-results":
        return render(request, "members/_directory_results.html", context)
    return render(request, "members/directory.html", context)


@require_GET
def directory_public(request):
    """Open to anyone: members who agreed to be listed, with only the fields they published."""
    specialty = request.GET.get("specialite", "").strip()
    qs = directory_search(public_directory(), specialty=specialty)
    page = page_of(request, qs, 25)
    return render(
        request,
        "members/directory_public.html",
        {
            "page": page,
            "specialty": specialty,
            "specialties": Specialty.objects.exclude(code="medecine-generale"),
        },
    )


@login_required
@require_GET
def directory_export(request):
    """The filtered directory as CSV, in the import format (docs/features.md): managers."""
    require(perms.can_export_directory(request.user))
    members = _search(directory_visible_to(request.user), _filters(request))
    participation_codes = {v: k for k, v in CSV_PARTICIPATIONS.items()}
    columns = [*CSV_COLUMNS, "adresse_2", "commune_2", "telephone_2", "statut"]
    # Streamed: the members are read 500 at a time, each chunk with its sites and competences
    # prefetched (a fixed number of queries per chunk, never one per member).
    rows = (_directory_row(m, participation_codes) for m in members.iterator(chunk_size=500))
    return csv_response(
        itertools.chain([columns], rows), f"annuaire-{timezone.localdate().isoformat()}.csv"
    )


def _directory_row(m, participation_codes) -> list:
    sites = list(m.sites.all())
    first = sites[0] if sites else None
    second = sites[1] if len(sites) > 1 else None
    return [
        m.email,
        m.first_name,
        m.last_name,
        m.profession,
        m.rpps,
        m.adeli,
        m.specialty.code if m.specialty else "",
        "|".join(c.code for c in m.competences.all()),
        m.practice_mode,
        m.sector,
        first.address if first else "",
        first.commune_id if first else "",
        first.phone if first else "",
        "|".join(participation_codes[p] for p in m.participations),
        m.languages,
        timezone.localdate(m.joined_at).isoformat() if m.joined_at else "",
        second.address if second else "",
        second.commune_id if second else "",
        second.phone if second else "",
        m.status,
    ]
