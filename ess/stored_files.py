"""Files users upload (a referral's documents, a convention's, the health project's annexes): one
abstract model for what every such row keeps, and one way to send it back."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel
from ess.uploads import CheckedFile
from ess.web.downloads import private_download


class StoredFile(PublicIdModel):
    """A checked upload kept in private storage under an opaque path (the concrete model declares
    `file` with its own `upload_to`); the row keeps the uploaded name, the detected type, the
    size and the SHA-256."""

    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def keep(self, checked: CheckedFile) -> None:
        """Take the checked upload's name, type, size and checksum, and write the file under the
        row's opaque name (the row itself is saved by the caller)."""
        self.original_name = checked.name
        self.content_type = checked.content_type
        self.size = checked.size
        self.sha256 = checked.sha256
        checked.upload.seek(0)
        self.file.save(self.public_id.hex, checked.upload, save=False)

    def download(self, request, *, label: str, **audit):
        """The file as an audited, uncached attachment under its uploaded name (the caller has
        checked that the user may see the row). `audit`: see private_download."""
        return private_download(
            request,
            self,
            file=self.file,
            filename=self.original_name,
            content_type=self.content_type,
            label=label,
            **audit,
        )
