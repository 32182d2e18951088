"""Every write on the health-project document: the version's life, its review and comments
(versions.py), and the managers' changes to its content (content.py); what they share, the
version's row lock and the notifications, is in common.py."""

from projet_sante.project.services.common import not_editable_reason
from projet_sante.project.services.content import (
    action_delete,
    action_save,
    annex_add,
    annex_delete,
    mission_delete,
    mission_save,
    section_update,
)
from projet_sante.project.services.versions import (
    comment_add,
    no_institution_reason,
    version_request_revision,
    version_start,
    version_submit,
    version_validate,
)

__all__ = [
    "action_delete",
    "action_save",
    "annex_add",
    "annex_delete",
    "comment_add",
    "mission_delete",
    "mission_save",
    "no_institution_reason",
    "not_editable_reason",
    "section_update",
    "version_request_revision",
    "version_start",
    "version_submit",
    "version_validate",
]
