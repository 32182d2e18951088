"""People: accounts and roles (accounts.py), ESS membership and the directory (membership.py),
the national directory of health professionals (directory.py).
Specialists' availability is a schedule: it lives in scheduling.models."""

from members.models.accounts import (
    Invitation,
    Organisation,
    OrganisationKind,
    Profession,
    RoleGrant,
    User,
    UserManager,
)
from members.models.directory import DirectoryEntry, DirectoryIdType
from members.models.membership import (
    MEMBERSHIP_TRANSITIONS,
    OPEN_MEMBERSHIP_STATUSES,
    PUBLISHABLE_FIELDS,
    Competence,
    GovernanceKind,
    GovernanceRole,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Participation,
    PracticeMode,
    PracticeSite,
    Sector,
    SpecialtyHeadcount,
)

__all__ = [
    "MEMBERSHIP_TRANSITIONS",
    "OPEN_MEMBERSHIP_STATUSES",
    "PUBLISHABLE_FIELDS",
    "Competence",
    "DirectoryEntry",
    "DirectoryIdType",
    "GovernanceKind",
    "GovernanceRole",
    "Invitation",
    "Membership",
    "MembershipEvent",
    "MembershipStatus",
    "Organisation",
    "OrganisationKind",
    "Participation",
    "PracticeMode",
    "PracticeSite",
    "Profession",
    "RoleGrant",
    "Sector",
    "SpecialtyHeadcount",
    "User",
    "UserManager",
]
