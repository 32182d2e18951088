"""CSV exports for a spreadsheet: UTF-8 with a BOM (Excel opens it right), `;` separated, and one
rule against formula injection for every cell."""

import csv
import re
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]\d[\d ]*(?:[.,]\d+)?")


def safe_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @, a tab or a
    carriage return gets a leading apostrophe. A signed number ("+33612345678", "-2,5") is a
    number to the spreadsheet, not a formula, and stays as it is."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Line:
    """A file-like target for csv.writer that hands back what it is given (one line)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """The BOM, then each row as one `;` separated line, every cell through `safe_cell`."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """`rows` (the header first) as a CSV download that no shared cache keeps; every cell goes
    through `safe_cell`. Streamed: `rows` may be a generator over a queryset's iterator, so a
    large export is never held whole in memory."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
