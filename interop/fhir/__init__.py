"""The FHIR R4 interface at `/fhir/`: what it accepts and answers is parsed and validated with
the `fhir.resources` models (R4B package, wire-compatible with R4 for the resources used)."""
