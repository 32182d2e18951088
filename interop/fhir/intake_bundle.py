"""The transaction Bundle of the télé-expertise intake (interop/fhir/intake.py), checked before
anything is read from it: validated by the `fhir.resources` models, its type and entries
checked, its entries indexed by type and by reference. A refusal carries its issues, each at
the FHIRPath of its element.
"""

from dataclasses import dataclass, field

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as PydanticValidationError

from interop.fhir.outcome import fhir_path

ACCEPTED_TYPES = (
    "ServiceRequest",
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "DocumentReference",
    "Consent",
)


class BundleRefused(Exception):
    """The Bundle cannot become a referral: its issues, each with its element's FHIRPath."""

    def __init__(self, issues: list[dict]):
        super().__init__(issues)
        self.issues = issues


def issue(text: str, path: str, code: str = "invalid") -> dict:
    return {"text": f"{path} : {text}", "expression": [path], "code": code}


def model_issues(error: PydanticValidationError) -> list[dict]:
    """What the FHIR models refused, in French, each at its element's path."""
    issues = []
    for e in error.errors():
        path = fhir_path("Bundle", tuple(e["loc"]))
        if e["type"] == "missing":
            issues.append(issue("élément obligatoire manquant.", path, "required"))
        elif e["type"] == "extra_forbidden":
            issues.append(issue("élément inconnu de FHIR R4.", path, "structure"))
        else:
            issues.append(issue(f"valeur invalide ({e['msg']}).", path, "value"))
    return issues


@dataclass
class Parsed:
    """The Bundle's entries by type, and where each resource sits."""

    bundle: Bundle
    indexes: dict[str, list[int]] = field(default_factory=dict)
    by_reference: dict[str, int] = field(default_factory=dict)

    def resource(self, index: int):
        return self.bundle.entry[index].resource

    def path(self, index: int, element: str = "") -> str:
        return f"Bundle.entry[{index}].resource" + (f".{element}" if element else "")

    def follow(self, reference, wanted: tuple[str, ...], path: str) -> int:
        """The entry a reference points to (its fullUrl, or Type/id), of one of `wanted` types."""
        target = getattr(reference, "reference", None) or ""
        index = self.by_reference.get(target)
        if index is None or self.resource(index).get_resource_type() not in wanted:
            raise BundleRefused(
                [
                    issue(
                        f"la référence « {target} » ne désigne aucune ressource "
                        f"{' ou '.join(wanted)} du Bundle.",
                        path,
                    )
                ]
            )
        return index


def parse_bundle(data) -> Parsed:
    """The Bundle validated by its model (pydantic's error, with its paths, propagates), its
    type and the entries it must hold checked."""
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise BundleRefused([issue("un Bundle de type transaction est attendu.", "Bundle")])
    bundle = Bundle.model_validate(data)
    if bundle.type != "transaction":
        raise BundleRefused(
            [issue("seul un Bundle de type « transaction » est accepté.", "Bundle.type")]
        )
    parsed = Parsed(bundle=bundle)
    for index, entry in enumerate(bundle.entry or []):
        resource = entry.resource
        if resource is None:
            raise BundleRefused(
                [issue("chaque entrée porte une ressource.", f"Bundle.entry[{index}]")]
            )
        kind = resource.get_resource_type()
        if kind not in ACCEPTED_TYPES:
            raise BundleRefused(
                [
                    issue(
                        f"ressource {kind} non prise en charge (attendues : "
                        f"{', '.join(ACCEPTED_TYPES)}).",
                        parsed.path(index),
                        "not-supported",
                    )
                ]
            )
        parsed.indexes.setdefault(kind, []).append(index)
        if entry.fullUrl:
            parsed.by_reference[entry.fullUrl] = index
        if resource.id:
            parsed.by_reference[f"{kind}/{resource.id}"] = index
    for kind in ("ServiceRequest", "Patient"):
        if len(parsed.indexes.get(kind, [])) != 1:
            raise BundleRefused(
                [issue(f"le Bundle contient exactement une ressource {kind}.", "Bundle.entry")]
            )
    return parsed
