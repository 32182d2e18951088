"""Who may do what with the health-project document. One condition per line; roles are named.

- managers write: sections, missions and actions, annexes, new drafts, submission;
- authority users (ARS/CPAM) review: they read every version ever submitted to them, comment
  per section or on the whole version, sign it for their institution or ask for a revision —
  they never edit. A version is validated once the ARS and the CPAM have both signed it; an
  authority account attached to neither cannot sign;
- the ESS's staff (coordinators, specialists, paramedics) read the validated versions only:
  the project they work under, not its drafts nor the exchanges with the authorities;
- requesters (outside the ESS) have no access: the document is the ESS's and its funders'.
The PDF is for managers and authority users (it goes to the ARS/CPAM files).
"""

from ess import workflow
from ess.roles import SIGNING_INSTITUTIONS, Role, has_any_role, has_role
from projet_sante.project.models import ProjectVersion, VersionStatus

PROJECT_READER_ROLES = frozenset(
    {Role.MANAGER, Role.AUTHORITY, Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC}
)
PROJECT_REVIEW_ROLES = frozenset({Role.MANAGER, Role.AUTHORITY})


def can_view_project(user) -> bool:
    """Opens /projet-sante/. Mirror of selectors.versions_visible_to."""
    return has_any_role(user, PROJECT_READER_ROLES)


def can_edit_project(user) -> bool:
    """Write the content of a draft (or of a version sent back), start a new draft, submit."""
    return has_role(user, Role.MANAGER)


def can_review_project(user) -> bool:
    """Validate a submitted version or ask for its revision."""
    return has_role(user, Role.AUTHORITY)


def can_sign_version(user, version: ProjectVersion) -> bool:
    """Sign `version` for the user's institution: an authority user attached to a signing
    institution (ARS, CPAM) that has not signed this round yet (the version's signatures are
    read from its prefetched rows when there are)."""
    if not can_review_project(user) or user.institution not in SIGNING_INSTITUTIONS:
        return False
    return user.institution not in {s.institution for s in version.signatures.all()}


def can_comment_project(user) -> bool:
    """The authorities comment; managers answer in the same thread."""
    return has_any_role(user, PROJECT_REVIEW_ROLES)


def can_follow_project_workflow(user) -> bool:
    """See comments, the history of a version and the drafts' diff: the two sides of the
    review."""
    return has_any_role(user, PROJECT_REVIEW_ROLES)


def can_download_project_pdf(user) -> bool:
    return has_any_role(user, PROJECT_REVIEW_ROLES)


_EDITOR = workflow.actor(can_edit_project)
_REVIEWER = workflow.actor(can_review_project)

# The version workflow's actions, named as the API's endpoints, for the version page and the
# API's `allowed_actions` (ess.workflow.available_actions).
ACTIONS = workflow.register(
    ProjectVersion,
    [
        workflow.Action("submit", to=VersionStatus.SUBMITTED, allowed=_EDITOR),
        # Signing for one's institution: the last signature validates the version.
        workflow.Action("validate", to=VersionStatus.VALIDATED, allowed=can_sign_version),
        workflow.Action("request_revision", to=VersionStatus.REVISION_REQUESTED, allowed=_REVIEWER),
    ],
)
