"""Every write on people: accounts and invitations, memberships, the directory."""

from members.services.accounts import (
    institution_set,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
    invitation_token,
    roles_grant,
    roles_revoke,
)
from members.services.directory import (
    CSV_COLUMNS,
    governance_role_assign,
    governance_role_end,
    members_import_csv,
    specialty_headcount_set,
)
from members.services.entry import (
    membership_changes_approve,
    membership_changes_reject,
    membership_profile_update,
)
from members.services.membership import (
    ACTIVATION_SALT,
    APPLICATION_SALT,
    ApplicationInput,
    SiteInput,
    application_errors,
    membership_apply,
    membership_from_token,
    membership_resubmit,
    membership_token,
)
from members.services.review import (
    membership_activate,
    membership_leave,
    membership_refuse,
    membership_reinstate,
    membership_request_changes,
    membership_suspend,
    membership_validate,
)

__all__ = [
    "ACTIVATION_SALT",
    "APPLICATION_SALT",
    "CSV_COLUMNS",
    "ApplicationInput",
    "SiteInput",
    "application_errors",
    "governance_role_assign",
    "governance_role_end",
    "institution_set",
    "invitation_accept",
    "invitation_create",
    "invitation_from_token",
    "invitation_revoke",
    "invitation_token",
    "members_import_csv",
    "membership_activate",
    "membership_apply",
    "membership_changes_approve",
    "membership_changes_reject",
    "membership_from_token",
    "membership_leave",
    "membership_profile_update",
    "membership_refuse",
    "membership_reinstate",
    "membership_request_changes",
    "membership_resubmit",
    "membership_suspend",
    "membership_token",
    "membership_validate",
    "roles_grant",
    "roles_revoke",
    "specialty_headcount_set",
]
