"""Files sent with a new-referral form that was refused for another reason (a missing field, a
wrong INS): checked as any upload, kept for the same user and browser session, offered again
with the corrected form so nobody attaches them twice, deleted when they expire.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ess.uploads import CheckedFile, ScanUnavailable, check_upload
from referrals.models import PendingAttachment

# Long enough to fix a form after a phone call, short enough not to hoard patients' files.
PENDING_LIFETIME = timedelta(hours=24)


def pending_attachments_keep(
    *, user, session_key: str, uploads
) -> tuple[list[PendingAttachment], list[str]]:
    """Check each upload (content, antivirus) and keep those accepted for `user` in this
    session. Returns (kept, refusals): a refused file is named in its French message and not
    kept; an unavailable antivirus refuses the rest."""
    kept, refusals = [], []
    expires_at = timezone.now() + PENDING_LIFETIME
    for upload in uploads:
        try:
            checked = check_upload(upload)
        except ScanUnavailable as exc:
            refusals.extend(exc.messages)
            break
        except ValidationError as exc:
            refusals.extend(exc.messages)
            continue
        pending = PendingAttachment(user=user, session_key=session_key, expires_at=expires_at)
        pending.keep(checked)
        pending.save()
        kept.append(pending)
    return kept, refusals


def pending_attachments_for(*, user, session_key: str, public_ids) -> list[PendingAttachment]:
    """The files of `public_ids` kept for `user` in this session and not expired; any other
    identifier (someone else's, expired, malformed) is ignored."""
    wanted = []
    for value in public_ids:
        try:
            wanted.append(str(PendingAttachment._meta.get_field("public_id").to_python(value)))
        except ValidationError:
            continue
    return list(
        PendingAttachment.objects.filter(
            public_id__in=wanted,
            user=user,
            session_key=session_key,
            expires_at__gt=timezone.now(),
        ).order_by("created_at", "pk")
    )


def pending_attachment_checked(pending: PendingAttachment) -> CheckedFile:
    """A kept file as the referral services take a checked upload (it was checked when kept)."""
    pending.file.open("rb")
    return CheckedFile(
        upload=pending.file,
        name=pending.original_name,
        content_type=pending.content_type,
        size=pending.size,
        sha256=pending.sha256,
    )


def pending_attachments_delete(rows) -> int:
    """Delete the rows now and their files once the transaction commits."""
    rows = list(rows)
    if not rows:
        return 0
    names = [row.file.name for row in rows if row.file]
    storage = PendingAttachment._meta.get_field("file").storage
    PendingAttachment.objects.filter(pk__in=[row.pk for row in rows]).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(rows)


@transaction.atomic
def pending_attachments_purge() -> int:
    """Delete the kept files whose time is up (a periodic job). Returns how many."""
    return pending_attachments_delete(
        PendingAttachment.objects.filter(expires_at__lte=timezone.now()).select_for_update()
    )
