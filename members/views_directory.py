"""The directory of competences: for signed-in professionals (filters, htmx), the public page
(only what members agreed to publish) and the managers' CSV export."""

import itertools
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ess.models import Departement, Specialty
from ess.permissions import require
from ess.web.paging import page_of
from ess.web.spreadsheet import csv_response
from members import permissions as perms
from members.models import Competence, Membership, Participation, PracticeSite
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
    # Streamed, 500 members at a time: each chunk's sites and competences in one query each,
    # read as plain values (model instances and per-member prefetch querysets cost ~1 ms a row).
    rows = _directory_rows(members, participation_codes)
    return csv_response(
        itertools.chain([columns], rows), f"annuaire-{timezone.localdate().isoformat()}.csv"
    )


EXPORT_CHUNK = 500
EXPORT_FIELDS = (
    "pk",
    "email",
    "first_name",
    "last_name",
    "profession",
    "rpps",
    "adeli",
    "specialty__code",
    "practice_mode",
    "sector",
    *Participation.values,
    "languages",
    "joined_at",
    "status",
)


def _directory_rows(members, participation_codes):
    chunk = []
    values = members.prefetch_related(None).values_list(*EXPORT_FIELDS)
    for member in values.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(member)
        if len(chunk) == EXPORT_CHUNK:
            yield from _directory_chunk(chunk, participation_codes)
            chunk = []
    yield from _directory_chunk(chunk, participation_codes)


def _directory_chunk(chunk, participation_codes):
    ids = [member[0] for member in chunk]
    sites = defaultdict(list)
    for membership_id, *site in (
        PracticeSite.objects.filter(membership_id__in=ids)
        .order_by("pk")
        .values_list("membership_id", "address", "commune_id", "phone")
    ):
        sites[membership_id].append(site)
    competences = defaultdict(list)
    for membership_id, code in (
        Membership.competences.through.objects.filter(membership_id__in=ids)
        .order_by("competence__label", "competence_id")
        .values_list("membership_id", "competence__code")
    ):
        competences[membership_id].append(code)
    no_site = ["", "", ""]
    for (
        pk,
        email,
        first_name,
        last_name,
        profession,
        rpps,
        adeli,
        specialty_code,
        practice_mode,
        sector,
        *participations,
        languages,
        joined_at,
        status,
    ) in chunk:
        first, second = (sites[pk] + [no_site, no_site])[:2]
        yield [
            email,
            first_name,
            last_name,
            profession,
            rpps,
            adeli,
            specialty_code or "",
            "|".join(competences[pk]),
            practice_mode,
            sector,
            *first,
            "|".join(
                participation_codes[p]
                for p, takes_part in zip(Participation, participations, strict=True)
                if takes_part
            ),
            languages,
            timezone.localdate(joined_at).isoformat() if joined_at else "",
            *second,
            status,
        ]
