"""Build ess/data/territory.json.gz from @etalab/decoupage-administratif.

The shipped file is a trimmed copy of the package's regions, départements and
current communes (French Government data, MIT licence, see
LICENCE-decoupage-administratif.txt). To regenerate it:

    cd /tmp && npm pack @etalab/decoupage-administratif@6.0.0
    tar xzf etalab-decoupage-administratif-6.0.0.tgz
    python ess/data/build_territory.py /tmp/package/data

Only communes of type "commune-actuelle" are kept (arrondissements municipaux,
communes déléguées and associées are dropped). "epci" is the SIREN of the
commune's EPCI, taken from epci.json membres (null when the commune belongs to
none). Output is deterministic: sorted by code, compact JSON, gzip mtime=0.
"""

import gzip
import json
import sys
from operator import itemgetter
from pathlib import Path

SOURCE = "@etalab/decoupage-administratif 6.0.0"
OUTPUT = Path(__file__).resolve().parent / "territory.json.gz"


def load(data_dir: Path, name: str) -> list[dict]:
    return json.loads((data_dir / f"{name}.json").read_text(encoding="utf-8"))


def build(data_dir: Path) -> dict:
    epci_of = {m["code"]: e["code"] for e in load(data_dir, "epci") for m in e["membres"]}
    regions = [{"code": r["code"], "nom": r["nom"]} for r in load(data_dir, "regions")]
    departements = [
        {"code": d["code"], "nom": d["nom"], "region": d["region"]}
        for d in load(data_dir, "departements")
    ]
    communes = [
        {
            "code": c["code"],
            "nom": c["nom"],
            "departement": c["departement"],
            "region": c["region"],
            "codesPostaux": c.get("codesPostaux", []),
            "population": c.get("population"),
            "epci": epci_of.get(c["code"]),
        }
        for c in load(data_dir, "communes")
        if c["type"] == "commune-actuelle"
    ]
    by_code = itemgetter("code")
    return {
        "source": SOURCE,
        "regions": sorted(regions, key=by_code),
        "departements": sorted(departements, key=by_code),
        "communes": sorted(communes, key=by_code),
    }


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python ess/data/build_territory.py path/to/package/data")
    data = build(Path(sys.argv[1]))
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    OUTPUT.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    counts = ", ".join(f"{k}={len(data[k])}" for k in ("regions", "departements", "communes"))
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes): {counts}")


if __name__ == "__main__":
    main()
