"""People: accounts and roles (accounts.py), ESS membership and the directory (membership.py),
the national directory of health professionals (directory.py) and self-registration from it
(registration.py).
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
from members.models.registration import (
    OPEN_REGISTRATION_STATUSES,
    REGISTRATION_TRANSITIONS,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)

__all__ = [
    "MEMBERSHIP_TRANSITIONS",
    "OPEN_MEMBERSHIP_STATUSES",
    "OPEN_REGISTRATION_STATUSES",
    "PUBLISHABLE_FIELDS",
    "REGISTRATION_TRANSITIONS",
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
    "Registration",
    "RegistrationEvent",
    "RegistrationStatus",
    "RoleGrant",
    "Sector",
    "SpecialtyHeadcount",
    "User",
    "UserManager",
]
