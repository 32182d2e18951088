"""Named roles. A person may hold several; roles are never ranked or compared."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REQUESTER = "requester", _("Demandeur")
    COORDINATOR = "coordinator", _("Coordination")
    SPECIALIST = "specialist", _("Spécialiste")
    PARAMEDIC = "paramedic", _("Paramédical (IPA/IDE)")
    MANAGER = "manager", _("Direction")
    AUTHORITY = "authority", _("Autorité (ARS/CPAM)")


class Institution(models.TextChoices):
    """The public body an authority account speaks for: the health project is validated once
    each institution in SIGNING_INSTITUTIONS has signed it."""

    ARS = "ars", _("ARS")
    CPAM = "cpam", _("CPAM")


# The institutions whose signatures together validate a version of the health project.
SIGNING_INSTITUTIONS = (Institution.ARS, Institution.CPAM)


# Roles that reach patient data or steer the ESS: a second factor is always required for them
# (ess/mfa.py). Requesters sign in with a password alone (they are outside the ESS).
MFA_REQUIRED_ROLES = frozenset(
    {Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC, Role.MANAGER, Role.AUTHORITY}
)

# The ESS's own staff: roles that work inside the team rather than asking it.
STAFF_ROLES = frozenset({Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC, Role.MANAGER})


def has_role(user, role: Role) -> bool:
    return bool(user and user.is_authenticated and role in user.roles)


def has_any_role(user, roles) -> bool:
    return bool(user and user.is_authenticated and user.roles & set(roles))
