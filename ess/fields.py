"""Model fields that the apps declare the same way."""

from django.db import models


def optional_fk(to, verbose_name=None, *, on_delete=models.PROTECT, related_name=None):
    """A foreign key that may be empty (null in the database, optional in forms)."""
    return models.ForeignKey(
        to,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )
