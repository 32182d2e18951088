"""Checking uploaded files by their content, never by their name.

Accepted: PDF, JPEG, PNG and plain text. Each file is identified from its first bytes, parsed
(pypdf, Pillow, UTF-8 decoding), searched for what a parser does not complain about but a viewer
would act on (JavaScript and other active content in a PDF, web markup, a second file glued to
the first: a polyglot), then scanned by the antivirus when one is configured (ess.antivirus).
Every refusal is a ValidationError with a French message naming the file; the caller has not
written anything yet.
"""

import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import antivirus
from ess import file_inspection as inspect

logger = logging.getLogger(__name__)

ACCEPTED = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "text/plain": {".txt", ".text", ""},
}
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.txt,application/pdf,image/jpeg,image/png,text/plain"

_DESCRIPTIONS = {
    "application/x-msdownload": gettext_lazy("un programme Windows"),
    "application/x-executable": gettext_lazy("un programme exécutable"),
    "text/x-script": gettext_lazy("un script exécutable"),
    "application/zip": gettext_lazy("une archive ZIP ou un document Office"),
    "application/x-archive": gettext_lazy("une archive compressée"),
    "application/x-ole-storage": gettext_lazy("un document Office ancien (macros possibles)"),
    "application/rtf": gettext_lazy("un document RTF"),
    "image/gif": gettext_lazy("une image GIF"),
    "text/html": gettext_lazy("une page web (HTML)"),
    "image/svg+xml": gettext_lazy("une image SVG, qui peut contenir du code"),
    "application/xml": gettext_lazy("un document XML"),
    "application/pdf": gettext_lazy("un document PDF"),
    "image/jpeg": gettext_lazy("une image JPEG"),
    "image/png": gettext_lazy("une image PNG"),
}
_PDF_FINDINGS = {
    inspect.JAVASCRIPT: gettext_lazy("du JavaScript"),
    inspect.LAUNCH: gettext_lazy("une commande qui lance un programme"),
    inspect.EMBEDDED_FILE: gettext_lazy("un fichier incorporé"),
    inspect.AUTOMATIC_ACTION: gettext_lazy("une action automatique à l'ouverture ou à l'affichage"),
    inspect.EXTERNAL_ACTION: gettext_lazy("un envoi de données ou l'ouverture d'une ressource"),
    inspect.RICH_MEDIA: gettext_lazy("du contenu multimédia interactif"),
    inspect.XFA: gettext_lazy("un formulaire XFA"),
    inspect.OBFUSCATED: gettext_lazy("des noms masqués par un codage #xx"),
}
# Characters a name may not hold: control characters (NUL included) and invisible formatting,
# such as the right-to-left override that shows "facture\u202efdp.exe" as "factureexe.pdf".
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
# In a text file: the control characters (category Cc) but tab, line feed, form feed and return.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    content_type: str
    size: int
    sha256: str


class ScanUnavailable(ValidationError):
    """The antivirus is configured but gave no verdict: the upload is refused (fail closed)."""


def _sniff(data: bytes) -> str:
    head = data[:2048]
    found = inspect.leading_type(head) or inspect.markup_type(head)
    if found:
        return found
    if b"\x00" in head:
        return "application/octet-stream"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is fine.
        if exc.start < len(head) - 4:
            return "application/octet-stream"
    return "text/plain"


def _refuse(message: str, code: str, **params) -> ValidationError:
    return ValidationError(message % params, code=code)


def _visible(name: str) -> str:
    return "".join("?" if unicodedata.category(c) in _HIDDEN_CATEGORIES else c for c in name)


def _check_name(raw: str) -> str:
    """The name as shown and stored. Django's multipart parser already drops paths and
    invisible characters from what a client sends; a file handed to a service by other code (an
    import, an attachment decoded from JSON) gets no such cleaning, so they are refused here."""
    if any(unicodedata.category(c) in _HIDDEN_CATEGORIES for c in raw):
        raise _refuse(
            _(
                "Le nom du fichier « %(name)s » contient des caractères invisibles ou de "
                "contrôle (par exemple une inversion du sens d'écriture qui masque la véritable "
                "extension) : renommez-le puis déposez-le à nouveau."
            ),
            "file_name_hidden_characters",
            name=_visible(raw)[:200],
        )
    if "/" in raw or "\\" in raw or raw.strip(". ") == "":
        raise _refuse(
            _(
                "Le nom du fichier « %(name)s » contient un chemin (« / », « \\ » ou « .. ») : "
                "seul le nom du fichier est accepté."
            ),
            "file_name_path",
            name=raw[:200],
        )
    return raw[:200]


def _check_pdf(name: str, data: bytes) -> None:
    try:
        report = inspect.inspect_pdf(data)
    except inspect.PdfEncrypted:
        raise _refuse(
            _(
                "« %(name)s » est protégé par un mot de passe : son contenu ne peut pas être "
                "vérifié. Déposez une version sans mot de passe."
            ),
            "file_encrypted",
            name=name,
        ) from None
    except Exception:  # pypdf has many errors of its own: any of them means "unreadable"
        raise _corrupt(name) from None
    if report.pages < 1:
        raise _corrupt(name)
    if report.findings:
        what = ", ".join(str(text) for f, text in _PDF_FINDINGS.items() if f in report.findings)
        raise _refuse(
            _(
                "« %(name)s » est refusé : ce PDF contient du contenu actif (%(what)s). "
                "Enregistrez-le de nouveau sans ces éléments (par exemple avec « Imprimer en "
                "PDF ») puis déposez-le."
            ),
            "file_active_content",
            name=name,
            what=what,
        )
    _check_trailer(name, data[inspect.pdf_end(data) :])


def _check_image(name: str, content_type: str, data: bytes) -> None:
    from PIL import Image

    limit = settings.ESS_IMAGE_MAX_PIXELS
    too_large = _refuse(
        _("« %(name)s » est une image trop grande : plus de %(limit)s pixels."),
        "image_too_large",
        name=name,
        limit=number_format(limit, force_grouping=True),
    )
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.verify()
    except Image.DecompressionBombError:  # far beyond Pillow's own limit
        raise too_large from None
    except Exception:  # every decoder has its own errors: any of them means "unreadable"
        raise _corrupt(name) from None
    if width * height > limit:
        raise too_large
    end = inspect.png_end(data) if content_type == "image/png" else inspect.jpeg_end(data)
    _check_trailer(name, data[end:])


def _check_text(name: str, data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _corrupt(name) from None
    if _CONTROL_CHARACTERS.search(text):
        raise _refuse(
            _(
                "« %(name)s » n'est pas accepté : il contient des caractères de contrôle, ce "
                "n'est pas un texte."
            ),
            "file_type",
            name=name,
        )
    if b"%PDF-" in data[:1024]:
        raise _hidden(name, "application/pdf")


def _check_trailer(name: str, trailer: bytes) -> None:
    hidden = inspect.hidden_format(trailer)
    if hidden:
        raise _hidden(name, hidden)


def _hidden(name: str, content_type: str) -> ValidationError:
    return _refuse(
        _(
            "« %(name)s » est refusé : il cache un second fichier (%(what)s) à la suite de son "
            "contenu (fichier polyglotte)."
        ),
        "file_polyglot",
        name=name,
        what=_DESCRIPTIONS.get(content_type, content_type),
    )


def _corrupt(name: str) -> ValidationError:
    return _refuse(_("« %(name)s » est illisible ou endommagé."), "file_corrupt", name=name)


def _scan(name: str, data: bytes, sha256: str) -> None:
    try:
        signature = antivirus.scan(data)
    except antivirus.ScannerUnavailable:
        raise ScanUnavailable(
            _(
                "Analyse antivirus indisponible, réessayez plus tard : « %(name)s » n'a pas été "
                "enregistré."
            )
            % {"name": name},
            code="antivirus_unavailable",
        ) from None
    if signature:
        # The hash, not the name: a file name often holds the patient's name.
        logger.warning("upload refused, malware %s found (sha256 %s)", signature, sha256)
        raise _refuse(
            _(
                "« %(name)s » est refusé : l'antivirus y a détecté un logiciel malveillant "
                "(%(signature)s)."
            ),
            "file_malware",
            name=name,
            signature=signature,
        )


def check_upload(upload) -> CheckedFile:
    """Validate one uploaded file. Raises ValidationError with a French message naming the file
    (ScanUnavailable when the configured antivirus does not answer)."""
    name = _check_name(upload.name or "fichier")
    limit = settings.ESS_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise _refuse(
            _("« %(name)s » pèse %(size)s : la limite est de %(limit)s par fichier."),
            "file_too_large",
            name=name,
            size=filesizeformat(upload.size),
            limit=filesizeformat(limit),
        )
    if upload.size == 0:
        raise _refuse(_("« %(name)s » est vide."), "file_empty", name=name)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    detected = _sniff(data)
    if detected not in ACCEPTED:
        raise _refuse(
            _(
                "« %(name)s » n'est pas accepté : son contenu est %(what)s. Formats acceptés : "
                "PDF, JPEG, PNG, texte."
            ),
            "file_type",
            name=name,
            what=_DESCRIPTIONS.get(detected, _("un type de fichier non accepté")),
        )
    extension = PurePath(name).suffix.lower()
    if extension not in ACCEPTED[detected]:
        raise _refuse(
            _(
                "« %(name)s » est refusé : son contenu (%(type)s) ne correspond pas à son "
                "extension."
            ),
            "file_disguised",
            name=name,
            type=detected,
        )
    if inspect.has_active_markup(data):
        raise _refuse(
            _(
                "« %(name)s » est refusé : il contient du code web (HTML ou script) qu'un "
                "navigateur pourrait exécuter."
            ),
            "file_markup",
            name=name,
        )
    if inspect.zip_directory_at_end(data):
        raise _hidden(name, "application/zip")
    if detected == "application/pdf":
        _check_pdf(name, data)
    elif detected.startswith("image/"):
        _check_image(name, detected, data)
    else:
        _check_text(name, data)
    sha256 = hashlib.sha256(data).hexdigest()
    _scan(name, data, sha256)
    return CheckedFile(
        upload=upload, name=name, content_type=detected, size=upload.size, sha256=sha256
    )


def check_uploads(uploads, *, already_stored: int = 0) -> list[CheckedFile]:
    """Validate several files and the per-referral total; every error is reported at once,
    except an unavailable antivirus, which stops the check at the first file."""
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ScanUnavailable:
            raise
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
