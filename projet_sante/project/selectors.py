"""Reads for the health-project document: the one visibility selector and the page's data."""

import difflib

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess.roles import SIGNING_INSTITUTIONS, Institution, Role, has_any_role, has_role
from projet_sante.project.models import (
    OPEN_STATUSES,
    Action,
    Mission,
    ProjectComment,
    ProjectSection,
    ProjectVersion,
    SectionKey,
    VersionEvent,
    VersionSignature,
    VersionStatus,
)
from projet_sante.project.permissions import can_view_project


def versions_visible_to(user) -> QuerySet[ProjectVersion]:
    """The only definition of who sees which version: managers all of them; authority users
    every version submitted to them at least once (a draft being written is not theirs yet);
    the ESS's staff the validated ones; nobody else any."""
    versions = ProjectVersion.objects.all()
    if not can_view_project(user):
        return versions.none()
    if has_role(user, Role.MANAGER):
        return versions
    if has_role(user, Role.AUTHORITY):
        return versions.filter(~Q(status=VersionStatus.DRAFT) | Q(submitted_at__isnull=False))
    if has_any_role(user, {Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC}):
        return versions.filter(status=VersionStatus.VALIDATED)
    return versions.none()


def version_get_for_user(user, public_id) -> ProjectVersion:
    """404 for "does not exist" and "not yours" alike."""
    return get_object_or_404(versions_visible_to(user), public_id=public_id)


def version_default_for(user) -> ProjectVersion | None:
    """What /projet-sante/ opens on: the latest validated version the user sees, else the
    latest one."""
    visible = (
        versions_visible_to(user)
        .select_related("validated_by", "submitted_by")
        .prefetch_related(_SIGNATURES)
    )
    return (
        visible.filter(status=VersionStatus.VALIDATED).order_by("-number").first()
        or visible.order_by("-number").first()
    )


def version_list(user) -> list[ProjectVersion]:
    return list(
        versions_visible_to(user)
        .select_related("validated_by", "submitted_by", "created_by")
        .order_by("-number")
    )


def open_version() -> ProjectVersion | None:
    return ProjectVersion.objects.filter(status__in=OPEN_STATUSES).first()


def open_version_for(user) -> ProjectVersion | None:
    """The version being written, submitted or sent back, as `user` may see it (the managers'
    to-do: a draft to finish, a revision asked for, an answer awaited)."""
    return versions_visible_to(user).filter(status__in=OPEN_STATUSES).order_by("-number").first()


_SIGNATURES = Prefetch("signatures", queryset=VersionSignature.objects.select_related("signed_by"))

# French needs the article of each institution's name.
_SIGNED_BY = {
    Institution.ARS: gettext_lazy("par l'ARS le %(date)s"),
    Institution.CPAM: gettext_lazy("par la CPAM le %(date)s"),
}
_WAITING_FOR = {
    Institution.ARS: gettext_lazy("en attente de l'ARS"),
    Institution.CPAM: gettext_lazy("en attente de la CPAM"),
}


def signature_date(signature: VersionSignature) -> str:
    """The day of a signature, written out ("4 décembre 2026")."""
    return date_format(timezone.localtime(signature.signed_at).date(), "j F Y")


def version_signatures(version: ProjectVersion) -> dict:
    """The signatures of the version's current round (read from its prefetched rows when
    there are): {"rows": one {"institution", "label", "signature"} per signing institution
    (signature None while it has not signed), "signed": the signatures, "waiting": the
    institutions still to sign, "summary": "Signée par l'ARS le 4 décembre 2026, en attente de
    la CPAM" ("" before any signature)}."""
    by_institution = {s.institution: s for s in version.signatures.all()}
    rows = [
        {
            "institution": code,
            "label": Institution(code).label,
            "signature": by_institution.get(code),
            "date": signature_date(by_institution[code]) if code in by_institution else "",
        }
        for code in SIGNING_INSTITUTIONS
    ]
    signed = [row for row in rows if row["signature"]]
    waiting = [row["institution"] for row in rows if not row["signature"]]
    summary = ""
    if signed:
        by = [str(_SIGNED_BY[row["institution"]]) % {"date": row["date"]} for row in signed]
        summary = _("Signée %(signatories)s") % {"signatories": _(" et ").join(by)}
        if waiting:
            summary = _("%(signed)s, %(waiting)s") % {
                "signed": summary,
                "waiting": _(" et ").join(str(_WAITING_FOR[code]) for code in waiting),
            }
    return {
        "rows": rows,
        "signed": [row["signature"] for row in signed],
        "waiting": waiting,
        "summary": summary,
    }


def version_to_sign_for(user) -> dict:
    """The authorities' side of the review, for their home: the version submitted to them or
    sent back (None when there is none) and where its signatures stand."""
    version = open_version_for(user)
    return {"version": version, "signatures": version_signatures(version) if version else None}


def version_content(version_id: int) -> ProjectVersion:
    """A version with everything the page and the PDF show, in a fixed number of queries."""
    return (
        ProjectVersion.objects.select_related("validated_by", "submitted_by", "based_on")
        .prefetch_related(
            "sections",
            Prefetch(
                "missions",
                queryset=Mission.objects.order_by("kind", "position", "pk").prefetch_related(
                    Prefetch(
                        "actions",
                        queryset=Action.objects.select_related("owner").prefetch_related(
                            "campaigns"
                        ),
                    )
                ),
            ),
            "annexes",
            Prefetch("comments", queryset=ProjectComment.objects.select_related("author")),
            Prefetch("events", queryset=VersionEvent.objects.select_related("actor")),
            _SIGNATURES,
        )
        .get(pk=version_id)
    )


def sections_diff(old: ProjectVersion, new: ProjectVersion) -> list[dict]:
    """Per section (in order): {"key", "label", "changed", "rows"} where rows are
    {"op": "same"|"removed"|"added", "text"} lines of the Markdown source (difflib)."""
    bodies = {
        (s.version_id, s.key): s.body
        for s in ProjectSection.objects.filter(version__in=[old, new]).only(
            "version_id", "key", "body"
        )
    }
    result = []
    for key, label in SectionKey.choices:
        before = bodies.get((old.pk, key), "").splitlines()
        after = bodies.get((new.pk, key), "").splitlines()
        rows = []
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                rows.extend({"op": "same", "text": line} for line in before[i1:i2])
                continue
            rows.extend({"op": "removed", "text": line} for line in before[i1:i2])
            rows.extend({"op": "added", "text": line} for line in after[j1:j2])
        result.append({"key": key, "label": label, "changed": before != after, "rows": rows})
    return result


def version_signed_for(version_id: int, institution: str) -> bool:
    """Whether the version is validated, or signed already for `institution`."""
    return (
        ProjectVersion.objects.filter(pk=version_id)
        .filter(Q(status=VersionStatus.VALIDATED) | Q(signatures__institution=institution))
        .exists()
    )
