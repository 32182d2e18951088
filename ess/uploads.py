"""Checking uploaded files by their content, never by their name.

Accepted: PDF, JPEG, PNG and plain text. Each file is identified from its first bytes, then parsed
(pypdf, Pillow, UTF-8 decoding) so that a disguised or broken file is refused with a clear message.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACCEPTED = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "text/plain": {".txt", ".text", ""},
}
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.txt,application/pdf,image/jpeg,image/png,text/plain"

_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"PK\x03\x04", "application/zip"),
]
_DESCRIPTIONS = {
    "application/x-msdownload": gettext_lazy("un programme Windows"),
    "application/x-executable": gettext_lazy("un programme exécutable"),
    "application/zip": gettext_lazy("une archive ZIP ou un document Office"),
}


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    content_type: str
    size: int
    sha256: str


def _sniff(head: bytes) -> str:
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if b"\x00" in head:
        return "application/octet-stream"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is fine.
        if exc.start < len(head) - 4:
            return "application/octet-stream"
    return "text/plain"


def _parse(content_type: str, data: bytes) -> bool:
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(data)).pages) > 0
        if content_type in {"image/jpeg", "image/png"}:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            return True
        data.decode("utf-8")
        return True
    except Exception:  # every parser has its own errors: any of them means "unreadable"
        return False


def check_upload(upload) -> CheckedFile:
    """Validate one uploaded file. Raises ValidationError with a French message naming the file."""
    name = PurePath(upload.name or "fichier").name[:200]
    limit = settings.ESS_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("« %(name)s » pèse %(size)s : la limite est de %(limit)s par fichier.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("« %(name)s » est vide.") % {"name": name}, code="file_empty")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    detected = _sniff(data[:2048])
    if detected not in ACCEPTED:
        what = _DESCRIPTIONS.get(detected, _("un type de fichier non accepté"))
        raise ValidationError(
            _(
                "« %(name)s » n'est pas accepté : son contenu est %(what)s. Formats acceptés : "
                "PDF, JPEG, PNG, texte."
            )
            % {"name": name, "what": what},
            code="file_type",
        )
    extension = PurePath(name).suffix.lower()
    if extension not in ACCEPTED[detected]:
        raise ValidationError(
            _("« %(name)s » est refusé : son contenu (%(type)s) ne correspond pas à son extension.")
            % {"name": name, "type": detected},
            code="file_disguised",
        )
    if not _parse(detected, data):
        raise ValidationError(
            _("« %(name)s » est illisible ou endommagé.") % {"name": name}, code="file_corrupt"
        )
    return CheckedFile(
        upload=upload,
        name=name,
        content_type=detected,
        size=upload.size,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def check_uploads(uploads, *, already_stored: int = 0) -> list[CheckedFile]:
    """Validate several files and the per-referral total; every error is reported at once."""
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    total_limit = settings.ESS_REFERRAL_ATTACHMENTS_MAX_BYTES
    total = already_stored + sum(f.size for f in checked)
    if total > total_limit:
        errors.append(
            _(
                "Les pièces jointes d'une demande ne peuvent dépasser %(limit)s au total "
                "(%(total)s ici)."
            )
            % {"limit": filesizeformat(total_limit), "total": filesizeformat(total)}
        )
    if errors:
        raise ValidationError(errors, code="uploads")
    return checked
