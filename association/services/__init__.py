"""Every write of the association's life: one function per action, keyword-only, one
transaction each. A refusal (PermissionDenied, ValidationError, Conflict, TransitionNotAllowed)
changes nothing.

Its legal identity and statutes (identity.py), general assemblies (assemblies.py), the
attendance and votes recorded at them (proceedings.py), membership fees (fees.py)."""

from association.services.assemblies import (
    assembly_cancel,
    assembly_convene,
    assembly_create,
    assembly_hold,
    assembly_update,
    convene_missing,
)
from association.services.fees import fee_payment_record, fee_year_set
from association.services.identity import (
    RNA_PATTERN,
    clean_rna,
    legal_identity_update,
    statutes_upload,
)
from association.services.proceedings import (
    ATTENDANCE_CLOSED,
    VOTES_CLOSED,
    attendance_record,
    attendance_remove,
    resolution_record,
)

__all__ = [
    "ATTENDANCE_CLOSED",
    "RNA_PATTERN",
    "VOTES_CLOSED",
    "assembly_cancel",
    "assembly_convene",
    "assembly_create",
    "assembly_hold",
    "assembly_update",
    "attendance_record",
    "attendance_remove",
    "clean_rna",
    "convene_missing",
    "fee_payment_record",
    "fee_year_set",
    "legal_identity_update",
    "resolution_record",
    "statutes_upload",
]
