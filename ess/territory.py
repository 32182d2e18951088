"""Loading the official territory codes shipped in ess/data/territory.json.gz.

Source: @etalab/decoupage-administratif (MIT), trimmed by ess/data/build_territory.py.
"""

import functools
import gzip
import json
import re
from pathlib import Path

from django.db import transaction

from ess.text import fold

DATA_FILE = Path(__file__).resolve().parent / "data" / "territory.json.gz"
# INSEE codes of the countries of birth (99 + country), an excerpt of the official list.
COUNTRIES_FILE = Path(__file__).resolve().parent / "data" / "countries.json"


def territory_read(path: Path = DATA_FILE) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@functools.cache
def countries() -> tuple[tuple[str, str], ...]:
    """(INSEE code, French name) of the countries of birth offered by name, by name."""
    with COUNTRIES_FILE.open(encoding="utf-8") as fh:
        listed = json.load(fh)["countries"]
    return tuple(sorted(((code, name) for code, name in listed), key=lambda c: fold(c[1])))


def country_label(code: str, name: str) -> str:
    """What the country picker shows and parses back."""
    return f"{name} ({code})"


def country_code_matching(value: str) -> str | None:
    """The INSEE code of the country typed: its name (accents and case aside), its code, or the
    picker's label. Any well-formed 99xxx code is accepted, listed here or not."""
    value = " ".join((value or "").split())
    if match := re.search(r"\b(99\d{3})\b", value):
        return match[1]
    wanted = fold(value)
    return next((code for code, name in countries() if fold(name) == wanted), None)


# The national list of specialties (code → label); an ESS picks its own among them.
SPECIALTIES = [
    ("allergologie", "Allergologie"),
    ("cardiologie", "Cardiologie et maladies vasculaires"),
    ("dermatologie", "Dermatologie et vénéréologie"),
    ("endocrinologie", "Endocrinologie, diabétologie, nutrition"),
    ("gastro-enterologie", "Gastro-entérologie et hépatologie"),
    ("geriatrie", "Gériatrie"),
    ("gynecologie", "Gynécologie médicale"),
    ("hematologie", "Hématologie"),
    ("medecine-generale", "Médecine générale"),
    ("medecine-interne", "Médecine interne"),
    ("medecine-physique", "Médecine physique et de réadaptation"),
    ("nephrologie", "Néphrologie"),
    ("neurologie", "Neurologie"),
    ("oncologie", "Oncologie médicale"),
    ("ophtalmologie", "Ophtalmologie"),
    ("orl", "Oto-rhino-laryngologie"),
    ("pediatrie", "Pédiatrie"),
    ("pneumologie", "Pneumologie"),
    ("psychiatrie", "Psychiatrie"),
    ("rhumatologie", "Rhumatologie"),
    ("urologie", "Urologie"),
]


def specialties_load(*, apps=None) -> None:
    if apps is None:
        from django.apps import apps
    Specialty = apps.get_model("ess", "Specialty")
    for code, label in SPECIALTIES:
        Specialty.objects.get_or_create(code=code, defaults={"label": label})


@transaction.atomic
def territory_load(
    *, apps=None, path: Path = DATA_FILE, departements: set[str] | None = None
) -> dict[str, int]:
    """Insert or refresh régions, départements, communes and postcodes. Idempotent.

    `apps` is the migration state registry when called from a migration; `departements`
    limits the communes loaded (tests that need only a few).
    """
    if apps is None:
        from django.apps import apps
    Region = apps.get_model("ess", "Region")
    Departement = apps.get_model("ess", "Departement")
    Commune = apps.get_model("ess", "Commune")
    PostalCode = apps.get_model("ess", "PostalCode")
    data = territory_read(path)
    if departements is not None:
        data["communes"] = [c for c in data["communes"] if c["departement"] in departements]

    Region.objects.bulk_create(
        [Region(code=r["code"], name=r["nom"]) for r in data["regions"]],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )
    Departement.objects.bulk_create(
        [
            Departement(code=d["code"], name=d["nom"], region_id=d["region"])
            for d in data["departements"]
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "region"],
    )
    communes = [
        Commune(
            code=c["code"],
            name=c["nom"],
            search_name=fold(c["nom"]),
            departement_id=c["departement"],
            postal_codes=" ".join(c.get("codesPostaux") or []),
            population=c.get("population"),
            epci=c.get("epci") or "",
        )
        for c in data["communes"]
    ]
    Commune.objects.bulk_create(
        communes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "search_name", "departement", "postal_codes", "population", "epci"],
    )
    PostalCode.objects.all().delete()
    PostalCode.objects.bulk_create(
        [
            PostalCode(code=cp, commune_id=c["code"])
            for c in data["communes"]
            for cp in sorted(set(c.get("codesPostaux") or []))
        ],
        batch_size=5000,
    )
    return {
        "regions": len(data["regions"]),
        "departements": len(data["departements"]),
        "communes": len(communes),
    }
