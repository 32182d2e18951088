"""Errors as FHIR `OperationOutcome` resources."""

from fhir.resources.R4B.operationoutcome import OperationOutcome
from pydantic import ValidationError as PydanticValidationError


def outcome(
    text: str, *, code: str = "invalid", severity: str = "error", expression: list[str] = ()
) -> dict:
    """One issue: `text` in French for a person, `expression` the FHIRPath of the element
    concerned when there is one (e.g. `Bundle.entry[1].resource.subject`)."""
    issue = {"severity": severity, "code": code, "diagnostics": text, "details": {"text": text}}
    if expression:
        issue["expression"] = list(expression)
    return OperationOutcome.model_validate({"issue": [issue]}).model_dump(exclude_none=True)


def outcome_of_issues(issues: list[dict]) -> dict:
    """Several issues (dicts with `text`, optional `expression`, `code`, `severity`)."""
    built = []
    for item in issues:
        text = item["text"]
        issue = {
            "severity": item.get("severity", "error"),
            "code": item.get("code", "invalid"),
            "diagnostics": text,
            "details": {"text": text},
        }
        if item.get("expression"):
            issue["expression"] = list(item["expression"])
        built.append(issue)
    return OperationOutcome.model_validate({"issue": built}).model_dump(exclude_none=True)


def fhir_path(root: str, location: tuple) -> str:
    """A pydantic error location as a FHIRPath: ("entry", 1, "resource", "subject") under
    "Bundle" gives "Bundle.entry[1].resource.subject"."""
    path = root
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part != "__root__":
            path += f".{part}"
    return path


def outcome_of_validation(root: str, error: PydanticValidationError) -> dict:
    """The issues of a resource refused by its model, each with its element's path."""
    return outcome_of_issues(
        [
            {
                "text": f"{fhir_path(root, tuple(e['loc']))} : {e['msg']}",
                "expression": [fhir_path(root, tuple(e["loc"]))],
                "code": "structure" if e["type"] in {"missing", "extra_forbidden"} else "value",
            }
            for e in error.errors()
        ]
    )
