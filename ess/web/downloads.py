"""Sending a stored file that is not public (a patient's document, a convention, an annex, a
report)."""

from django.http import FileResponse

from ess.audit import audit_record
from ess.models import AuditAction


def private_download(
    request, obj, *, file, filename: str, content_type: str, label: str, **audit
) -> FileResponse:
    """`file` of `obj` as an attachment, after an audited read.

    The caller has already checked that the user may see `obj` (its selector or permission).
    No shared cache keeps the answer; Django writes the Content-Disposition (quoted, RFC 5987
    for non-ASCII names), so a stored name cannot break the header. `audit`: audit_record's
    `actor` and `path` for a file reached through a link."""
    audit_record(request=request, action=AuditAction.DOWNLOAD, obj=obj, label=label, **audit)
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response
