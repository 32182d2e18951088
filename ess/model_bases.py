"""What the apps' models declare the same way: abstract models for the columns many tables keep
(when a row was created and last saved, the title it is named by), the check that a period
ends after it starts, and how a secret shown once is stored (its hash only). Each table names
its own constraints, as its migrations know them."""

import hashlib
import secrets

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Timestamped(models.Model):
    """When the row was created, and when it was last saved."""

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Titled(models.Model):
    """A row named by its title (a training, a campaign, a convention, a mission…)."""

    title = models.CharField(_("intitulé"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


def ends_after_start(
    name: str,
    start: str = "starts_on",
    end: str = "ends_on",
    *,
    strict: bool = False,
    open_ended: bool = False,
) -> models.CheckConstraint:
    """The check that a period's `end` is not before its `start`: the same day or later (two
    dates, both included), or strictly later with `strict` (times, or a period of several days);
    with `open_ended`, an empty end (still running) passes too."""
    condition = Q(**{f"{end}__{'gt' if strict else 'gte'}": F(start)})
    if open_ended:
        condition = Q(**{f"{end}__isnull": True}) | condition
    return models.CheckConstraint(condition=condition, name=name)


class HashedSecret:
    """A row that keeps only the SHA-256 of a secret, shown once when issued (an API token, a
    platform's token, a calendar feed's URL)."""

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return secrets.token_urlsafe(32)
