"""The health-project document: versions, sections, missions and actions, the review by the
ARS/CPAM (submit, validate, ask for a revision, comments), annexes, the PDF."""
