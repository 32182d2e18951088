"""Loading the open extraction of the national directory of health professionals
(annuaire.sante.fr, file `PS_LibreAcces_Personne_activite`: UTF-8, `|`-separated, one header line,
one line per activity) into `DirectoryEntry`.

The file (over a million lines) is streamed, never loaded whole, from a `.txt`/`.csv` file or from
the one such file inside a `.zip`. Rows are written in batches: per batch, one query reads the rows
already known and one upsert writes the new and the changed ones, so re-running the same file
changes nothing. A professional keeps the first activity line of the file; lines with an invalid
identifier or missing columns are skipped and counted."""

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone

from ess.validators import validate_adeli, validate_rpps
from members.models import DirectoryEntry, DirectoryIdType

# Columns of the extraction, by their header name.
COL_ID_TYPE = "Type d'identifiant PP"
COL_IDENTIFIER = "Identifiant PP"
COL_NATIONAL_ID = "Identification nationale PP"
COL_CIVILITY = "Code civilité"
COL_LAST_NAME = "Nom d'exercice"
COL_FIRST_NAME = "Prénom d'exercice"
COL_PROFESSION_CODE = "Code profession"
COL_PROFESSION_LABEL = "Libellé profession"
COL_SPECIALTY_CODE = "Code savoir-faire"
COL_SPECIALTY_LABEL = "Libellé savoir-faire"
COL_ACTIVITY_MODE = "Code mode exercice"
COL_SITE_NAME = "Raison sociale site"
COL_STREET_NUMBER = "Numéro Voie (coord. structure)"
COL_STREET_REPEAT = "Indice répétition voie (coord. structure)"
COL_STREET_TYPE = "Libellé type de voie (coord. structure)"
COL_STREET_NAME = "Libellé Voie (coord. structure)"
COL_POSTAL_CODE = "Code postal (coord. structure)"
COL_COMMUNE_CODE = "Code commune (coord. structure)"
COL_COMMUNE_NAME = "Libellé commune (coord. structure)"
REQUIRED_COLUMNS = (COL_ID_TYPE, COL_IDENTIFIER, COL_NATIONAL_ID, COL_LAST_NAME)
ADDRESS_COLUMNS = (COL_STREET_NUMBER, COL_STREET_REPEAT, COL_STREET_TYPE, COL_STREET_NAME)

# "Type d'identifiant PP": 8 for an RPPS number, 0 for an ADELI number.
ID_TYPES = {"8": DirectoryIdType.RPPS, "0": DirectoryIdType.ADELI}
ID_VALIDATORS = {DirectoryIdType.RPPS: validate_rpps, DirectoryIdType.ADELI: validate_adeli}

# The fields compared to tell a changed line from an unchanged one.
DATA_FIELDS = (
    "id_type",
    "identifier",
    "civility",
    "last_name",
    "first_name",
    "profession_code",
    "profession_label",
    "specialty_code",
    "specialty_label",
    "site_name",
    "address",
    "postal_code",
    "commune_code",
    "commune_name",
    "departement_code",
    "has_activity",
)

# A value longer than its column is cut rather than failing the whole batch.
MAX_LENGTHS = {
    name: DirectoryEntry._meta.get_field(name).max_length
    for name in DATA_FIELDS
    if name != "has_activity"
}

# A small fictitious extraction shipped for the demo and the tests (numbers valid, people not).
SAMPLE_FILE = Path(__file__).resolve().parents[1] / "data" / "annuaire_sample.txt"

SKIP_INVALID_ID = "identifiant invalide"
SKIP_INCOMPLETE = "ligne incomplète"
BATCH_SIZE = 2000


class DirectoryFileError(ValueError):
    """The file is not an extraction of the directory (no such file, wrong header, empty zip)."""


@dataclass
class DirectoryImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    other_activities: int = 0  # further activity lines of a professional already read
    out_of_area: int = 0  # outside the départements asked for
    skipped: Counter = field(default_factory=Counter)  # reason -> lines

    def summary(self) -> str:
        text = (
            f"{self.created} professionnels importés, {self.updated} mis à jour, "
            f"{self.unchanged} inchangés"
        )
        if self.out_of_area:
            text += f", {self.out_of_area} hors des départements demandés"
        skipped = sum(self.skipped.values())
        if skipped:
            reasons = ", ".join(f"{reason} : {n}" for reason, n in sorted(self.skipped.items()))
            text += f", {skipped} lignes ignorées ({reasons})"
        return text + "."


def departement_of(commune_code: str, postal_code: str = "") -> str:
    """The département of an INSEE commune code (2A/2B for Corsica, 3 digits overseas), else of a
    postcode (except Corsica's 20xxx, which the postcode cannot split)."""
    code = commune_code.strip().upper()
    if len(code) == 5:
        return code[:3] if code.startswith("97") or code.startswith("98") else code[:2]
    postal = postal_code.strip()
    if len(postal) == 5 and postal.isdigit() and not postal.startswith("20"):
        return postal[:3] if postal.startswith("97") or postal.startswith("98") else postal[:2]
    return ""


@contextmanager
def _open_text(path: Path) -> Iterator[io.TextIOBase]:
    if not path.is_file():
        raise DirectoryFileError(f"Fichier introuvable : {path}")
    if path.suffix.lower() != ".zip":
        with path.open(encoding="utf-8-sig", newline="") as stream:
            yield stream
        return
    with zipfile.ZipFile(path) as archive:
        members = [
            name
            for name in archive.namelist()
            if name.lower().endswith((".txt", ".csv")) and not name.endswith("/")
        ]
        if len(members) != 1:
            raise DirectoryFileError(
                f"L'archive doit contenir un seul fichier .txt ou .csv ({len(members)} trouvés)."
            )
        with archive.open(members[0]) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _address(line: dict[str, str]) -> str:
    return " ".join(part for col in ADDRESS_COLUMNS if (part := line.get(col, "").strip()))


def _has_activity(line: dict[str, str]) -> bool:
    """A line without a mode of practice is a registered professional with no current activity
    (a file without that column says nothing of it: active)."""
    mode = line.get(COL_ACTIVITY_MODE)
    return mode is None or bool(mode.strip())


def _entry_fields(line: dict[str, str]) -> dict[str, str | bool] | str:
    """The entry's fields from one line, or the reason the line is skipped."""
    if any(line.get(col) is None for col in REQUIRED_COLUMNS) or not line[COL_LAST_NAME].strip():
        return SKIP_INCOMPLETE
    type_code = line[COL_ID_TYPE].strip()
    id_type = ID_TYPES.get(type_code)
    identifier = line[COL_IDENTIFIER].strip()
    national_id = line[COL_NATIONAL_ID].strip()
    if id_type is None or national_id != type_code + identifier:
        return SKIP_INVALID_ID
    try:
        ID_VALIDATORS[id_type](identifier)
    except ValidationError:
        return SKIP_INVALID_ID
    commune_code = line.get(COL_COMMUNE_CODE, "").strip()
    postal_code = line.get(COL_POSTAL_CODE, "").strip()
    fields = {
        "national_id": national_id,
        "id_type": id_type,
        "identifier": identifier,
        "civility": line.get(COL_CIVILITY, "").strip(),
        "last_name": line[COL_LAST_NAME].strip(),
        "first_name": line.get(COL_FIRST_NAME, "").strip(),
        "profession_code": line.get(COL_PROFESSION_CODE, "").strip(),
        "profession_label": line.get(COL_PROFESSION_LABEL, "").strip(),
        "specialty_code": line.get(COL_SPECIALTY_CODE, "").strip(),
        "specialty_label": line.get(COL_SPECIALTY_LABEL, "").strip(),
        "site_name": line.get(COL_SITE_NAME, "").strip(),
        "address": _address(line),
        "postal_code": postal_code,
        "commune_code": commune_code,
        "commune_name": line.get(COL_COMMUNE_NAME, "").strip(),
        "departement_code": departement_of(commune_code, postal_code),
    }
    fields = {name: value[: MAX_LENGTHS.get(name, len(value))] for name, value in fields.items()}
    return {**fields, "has_activity": _has_activity(line)}


def _lines(stream: io.TextIOBase) -> Iterator[dict[str, str]]:
    reader = csv.reader(stream, delimiter="|", quoting=csv.QUOTE_NONE)
    header = [name.strip() for name in next(reader, [])]
    missing = [col for col in REQUIRED_COLUMNS if col not in header]
    if missing:
        raise DirectoryFileError(
            "En-tête inattendu, colonnes absentes : " + ", ".join(missing) + "."
        )
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        # A short row leaves its last columns absent (None), which _entry_fields refuses.
        yield dict(zip(header, row, strict=False))


def _write_batch(batch: list[dict[str, str]], result: DirectoryImportResult, now) -> None:
    known = {
        row["national_id"]: row
        for row in DirectoryEntry.objects.filter(
            national_id__in=[fields["national_id"] for fields in batch]
        ).values("national_id", *DATA_FIELDS)
    }
    to_write = []
    for fields in batch:
        previous = known.get(fields["national_id"])
        if previous is None:
            result.created += 1
        elif all(previous[name] == fields[name] for name in DATA_FIELDS):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        to_write.append(DirectoryEntry(**fields, imported_at=now))
    if to_write:
        DirectoryEntry.objects.bulk_create(
            to_write,
            update_conflicts=True,
            unique_fields=["national_id"],
            update_fields=[*DATA_FIELDS, "imported_at"],
        )


def _batches(entries: Iterable[dict[str, str]], size: int) -> Iterator[list[dict[str, str]]]:
    batch = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def directory_import(
    *, path: Path | str, departements: Iterable[str] = (), batch_size: int = BATCH_SIZE
) -> DirectoryImportResult:
    """Load or refresh the directory from `path`; `departements` keeps only those codes."""
    result = DirectoryImportResult()
    wanted = {code.strip().upper() for code in departements if code.strip()}
    seen: set[str] = set()
    now = timezone.now()

    def entries(stream) -> Iterator[dict[str, str]]:
        for line in _lines(stream):
            fields = _entry_fields(line)
            if isinstance(fields, str):
                result.skipped[fields] += 1
            elif fields["national_id"] in seen:
                result.other_activities += 1
            elif wanted and fields["departement_code"] not in wanted:
                seen.add(fields["national_id"])
                result.out_of_area += 1
            else:
                seen.add(fields["national_id"])
                yield fields

    with _open_text(Path(path)) as stream:
        for batch in _batches(entries(stream), batch_size):
            _write_batch(batch, result, now)
    return result
