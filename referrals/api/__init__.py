"""Referral REST API (docs/design.md §8): shape validation here, one service call per action."""

from referrals.api.views import ReferralViewSet

__all__ = ["ReferralViewSet"]
