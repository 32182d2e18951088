"""Advanced consultations: services (writes), selectors (reads), rota (fair assignment).

`advanced_consultation_figures` is what the indicators read."""

from referrals.consultations.selectors import (
    advanced_consultation_figures,
    advanced_consultation_sites,
)

__all__ = ["advanced_consultation_figures", "advanced_consultation_sites"]
