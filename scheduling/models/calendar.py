"""Private calendar feeds: a specialist's sessions and appointments in their own calendar app."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.model_bases import HashedSecret


class CalendarFeed(HashedSecret, models.Model):
    """A specialist's private iCalendar URL. Only a hash of the token is stored (like ApiToken);
    regenerating revokes the previous URL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda iCalendar")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"

    @classmethod
    def generate_token(cls) -> str:
        return cls.generate_key()
