"""What can hide in a file that otherwise parses: active content in a PDF, a second file glued
to an image or a PDF (a polyglot), web markup. Pure functions on bytes; ess.uploads turns their
findings into French messages.
"""

import io
import re
from dataclasses import dataclass, field

# Markup that a browser, or an HTML-aware viewer, acts on. Searched in the whole file: a real
# PDF or image keeps its data compressed and never holds these in clear; a polyglot does.
# Each is found with bytes.find (C speed on 20 MB), then confirmed by a short regex.
_ACTIVE_MARKUP = [
    (b"<script", re.compile(rb"<script[\s>/]")),
    (b"<iframe", re.compile(rb"<iframe[\s>/]")),
    (b"<frame", re.compile(rb"<frame(?:set)?[\s>/]")),
    (b"<object", re.compile(rb"<object[\s>/]")),
    (b"<embed", re.compile(rb"<embed[\s>/]")),
    (b"<applet", re.compile(rb"<applet[\s>/]")),
    (b"<svg", re.compile(rb"<svg[\s>/]")),
    (b"<html", re.compile(rb"<html[\s>/]")),
    (b"<body", re.compile(rb"<body[\s>/]")),
    (b"<?php", re.compile(rb"<\?php[\s]")),
    (b"<!doctype", re.compile(rb"<!doctype\s+html")),
    (b"<meta", re.compile(rb"<meta[^>]{0,200}http-equiv")),
    (b"javascript", re.compile(rb"javascript\s*:")),
    (b"vbscript", re.compile(rb"vbscript\s*:")),
]


# What makes a browser sniff a text file as HTML (WHATWG MIME Sniffing, "rules for identifying
# an unknown MIME type"), plus XML: looked for at the start of the file, after white space.
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    rb"|!--)[\s>]",
    re.IGNORECASE,
)
_XML_START = re.compile(rb"<\?xml[\s?]", re.IGNORECASE)
_SVG_TAG = re.compile(rb"<svg[\s>/]", re.IGNORECASE)

# A file's type from its first bytes. Only PDF, JPEG and PNG are accepted among these; the
# others are listed to name them in the refusal.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xfe\xed\xfa\xce", "application/x-executable"),  # Mach-O
    (b"\xfe\xed\xfa\xcf", "application/x-executable"),
    (b"\xce\xfa\xed\xfe", "application/x-executable"),
    (b"\xcf\xfa\xed\xfe", "application/x-executable"),
    (b"\xca\xfe\xba\xbe", "application/x-executable"),  # Mach-O universal, Java class
    (b"#!", "text/x-script"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),
    (b"PK\x07\x08", "application/zip"),
    (b"Rar!\x1a\x07", "application/x-archive"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-archive"),
    (b"\x1f\x8b", "application/x-archive"),  # gzip
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # .doc, .xls
    (b"{\\rtf", "application/rtf"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]


def leading_type(data: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def markup_type(head: bytes) -> str | None:
    """ "text/html", "image/svg+xml" or "application/xml" when a text file starts with markup."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c")
    if _XML_START.match(start) or start[:4].lower() == b"<svg":
        return "image/svg+xml" if _SVG_TAG.search(head) else "application/xml"
    if _HTML_START.match(start):
        return "text/html"
    return None


def has_active_markup(data: bytes) -> bool:
    lowered = data.lower()
    for marker, confirm in _ACTIVE_MARKUP:
        position = lowered.find(marker)
        while position >= 0:
            if confirm.match(lowered, position):
                return True
            position = lowered.find(marker, position + 1)
    return False


def hidden_format(trailer: bytes) -> str | None:
    """The type of a second file found after the end of an image or a PDF, or None when the
    bytes there are padding or data no other program acts on (cameras append their own)."""
    trailer = trailer.lstrip(b"\x00 \t\r\n\x0c")
    if not trailer:
        return None
    found = leading_type(trailer)
    if found:
        return found
    if b"PK\x03\x04" in trailer or b"PK\x05\x06" in trailer:
        return "application/zip"
    if b"%PDF-" in trailer:
        return "application/pdf"
    if b"\x7fELF" in trailer or b"This program cannot be run in DOS mode" in trailer:
        return "application/x-executable"
    if has_active_markup(trailer) or markup_type(trailer[:1024]):
        return "text/html"
    return None


def zip_directory_at_end(data: bytes) -> bool:
    """True when a ZIP central directory closes the file, so that archive tools open it as a ZIP
    whatever its first bytes say (image/zip and PDF/zip polyglots). The end record's comment
    length must reach the end of the file exactly, as readers require: a random match of the
    four-byte signature inside compressed data is not enough."""
    window = data[-(65_535 + 22) :]
    position = window.rfind(b"PK\x05\x06")
    while position >= 0:
        if len(window) >= position + 22:
            end = position + 22 + int.from_bytes(window[position + 20 : position + 22], "little")
            if end <= len(window) and not window[end:].strip(b"\x00 \t\r\n"):
                return True
        position = window.rfind(b"PK\x05\x06", 0, position)
    return False


# ---------------------------------------------------------------------------------------------
# Images: where the image ends, so that what follows can be judged
# ---------------------------------------------------------------------------------------------
def png_end(data: bytes) -> int:
    """Offset just after the IEND chunk (its CRC included); len(data) when not found."""
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        chunk_type = data[position + 4 : position + 8]
        position += 12 + length
        if chunk_type == b"IEND":
            return min(position, len(data))
    return len(data)


def jpeg_end(data: bytes) -> int:
    """Offset just after the EOI marker, walking the segments (an EXIF thumbnail has its own
    EOI inside APP1, which is skipped whole); len(data) when not found."""
    size, position = len(data), 2
    while position + 2 <= size:
        if data[position] != 0xFF:
            return size
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            return position + 2
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        segment_end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker != 0xDA:
            position = segment_end
            continue
        # After a start of scan, entropy-coded data runs to the next real marker.
        cursor = segment_end
        while True:
            cursor = data.find(b"\xff", cursor)
            if cursor < 0 or cursor + 1 >= size:
                return size
            following = data[cursor + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                cursor += 1
                continue
            break
        position = cursor
    return size


def pdf_end(data: bytes) -> int:
    """Offset just after the last %%EOF (incremental updates append whole sections, each with
    its own %%EOF); len(data) when there is none."""
    position = data.rfind(b"%%EOF")
    return len(data) if position < 0 else position + 5


# ---------------------------------------------------------------------------------------------
# PDF: active content
# ---------------------------------------------------------------------------------------------
JAVASCRIPT = "javascript"
LAUNCH = "launch"
EMBEDDED_FILE = "embedded_file"
AUTOMATIC_ACTION = "automatic_action"
EXTERNAL_ACTION = "external_action"
RICH_MEDIA = "rich_media"
XFA = "xfa"
OBFUSCATED = "obfuscated"

# A key or a name value that means active content wherever it appears in the object tree.
_ACTIVE_NAMES = {
    "/JS": JAVASCRIPT,
    "/JavaScript": JAVASCRIPT,
    "/AA": AUTOMATIC_ACTION,
    "/Launch": LAUNCH,
    "/EmbeddedFile": EMBEDDED_FILE,
    "/EmbeddedFiles": EMBEDDED_FILE,
    "/FileAttachment": EMBEDDED_FILE,
    "/RichMedia": RICH_MEDIA,
    "/RichMediaExecute": RICH_MEDIA,
    "/RichMediaContent": RICH_MEDIA,
    "/Rendition": RICH_MEDIA,
    "/XFA": XFA,
    "/SubmitForm": EXTERNAL_ACTION,
    "/ImportData": EXTERNAL_ACTION,
    "/GoToR": EXTERNAL_ACTION,
    "/GoToE": EXTERNAL_ACTION,
}
# Names an attacker hides behind #xx escapes (/J#61vaScript) so that a byte scan misses them.
_SENSITIVE_NAMES = {*_ACTIVE_NAMES, "/OpenAction", "/S", "/URI", "/A", "/Names"}
_SAFE_URI_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_DELIMITED = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|$)"
_PLAIN_ACTIVE_NAME = re.compile(
    rb"/("
    + b"|".join(re.escape(n[1:].encode()) for n in sorted(_ACTIVE_NAMES, key=len, reverse=True))
    + rb")"
    + _DELIMITED
)
_ESCAPED_NAME = re.compile(rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*#[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM_START = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
MAX_PDF_NODES = 2_000_000


class PdfTooComplex(Exception):
    pass


class PdfEncrypted(Exception):
    pass


@dataclass
class PdfReport:
    pages: int
    findings: set[str] = field(default_factory=set)


def _outside_streams(data: bytes) -> bytes:
    """The file without the bodies of its streams (compressed data, images, fonts): names are
    looked for in the object syntax only."""
    parts, position = [], 0
    while True:
        match = _STREAM_START.search(data, position)
        if not match:
            parts.append(data[position:])
            return b"".join(parts)
        parts.append(data[position : match.start()])
        end = data.find(b"endstream", match.end())
        if end < 0:
            return b"".join(parts)
        position = end + len(b"endstream")


def _raw_name_findings(data: bytes) -> set[str]:
    """Names in the raw syntax: catches objects that no reference reaches (which some viewers'
    repair still runs) and names obfuscated with #xx escapes."""
    syntax = _outside_streams(data)
    findings = {_ACTIVE_NAMES["/" + m.decode()] for m in _PLAIN_ACTIVE_NAME.findall(syntax)}
    for raw in _ESCAPED_NAME.findall(syntax):
        name = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")
        if name in _SENSITIVE_NAMES:
            findings.add(OBFUSCATED)
            findings.add(_ACTIVE_NAMES.get(name, OBFUSCATED))
    return findings


def _tree_findings(reader) -> set[str]:
    """Every object of the file (those in object streams too, which a byte scan cannot see),
    whether or not the document tree reaches it."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
    )

    findings: set[str] = set()
    roots = [reader.trailer]
    for generation, entries in reader.xref.items():
        roots.extend(IndirectObject(number, generation, reader) for number in entries)
    roots.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    visited = 0
    stack = []
    for root in roots:
        stack.append(root.get_object() if isinstance(root, IndirectObject) else root)
        while stack:
            node = stack.pop()
            visited += 1
            if visited > MAX_PDF_NODES:
                raise PdfTooComplex
            if isinstance(node, DictionaryObject):
                for key, value in node.items():
                    if key in _ACTIVE_NAMES:
                        findings.add(_ACTIVE_NAMES[key])
                    if key == "/OpenAction":
                        action = value.get_object()
                        if isinstance(action, DictionaryObject) and action.get("/S") != "/GoTo":
                            findings.add(AUTOMATIC_ACTION)
                    if key == "/URI":
                        uri = value.get_object()
                        if isinstance(uri, (str, bytes)) and not _safe_uri(uri):
                            findings.add(EXTERNAL_ACTION)
                    if not isinstance(value, IndirectObject):
                        stack.append(value)
            elif isinstance(node, ArrayObject):
                stack.extend(item for item in node if not isinstance(item, IndirectObject))
            elif isinstance(node, NameObject) and node in _ACTIVE_NAMES:
                findings.add(_ACTIVE_NAMES[node])
    return findings


def _safe_uri(uri: str | bytes) -> bool:
    text = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri)
    return text.strip().lower().startswith(_SAFE_URI_SCHEMES)


def inspect_pdf(data: bytes) -> PdfReport:
    """Parse a PDF and list its active content. Raises PdfEncrypted (a password is needed to
    read it), PdfTooComplex, or pypdf's own errors for a broken file."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise PdfEncrypted
    report = PdfReport(pages=len(reader.pages))
    report.findings |= _tree_findings(reader)
    report.findings |= _raw_name_findings(data)
    return report
