"""Model fields that the apps declare the same way, and the public id most rows are named by."""

import uuid

from django.conf import settings
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


def actor_fk(*, null: bool = False):
    """The user who did something to the row (created, uploaded, recorded, signed it): kept
    while the row names them (PROTECT), with no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=null, related_name="+"
    )


class PublicIdModel(models.Model):
    """A row that pages, URLs and the API name by an opaque, unguessable UUID (`public_id`),
    never by its primary key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True
