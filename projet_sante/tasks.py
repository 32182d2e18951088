"""Where Celery's autodiscovery looks: every task of the app's parts.

Each task keeps the name it was first published under, "projet_sante.tasks.<function>", set
with `name=` where it is defined: beat's schedule and messages already queued use those names,
wherever the code lives now.
"""

from projet_sante.indicators.tasks import (
    render_report,
    snapshot_indicators,
    snapshot_quarterly_indicators,
)
from projet_sante.newsletter.tasks import (
    draft_quarterly_newsletter,
    resume_stalled_newsletters,
    send_newsletter_batch,
)

__all__ = [
    "draft_quarterly_newsletter",
    "render_report",
    "resume_stalled_newsletters",
    "send_newsletter_batch",
    "snapshot_indicators",
    "snapshot_quarterly_indicators",
]
