"""Reports sent to the ARS/CPAM: the sending (one service), who sees which, and the archive.

A transmission keeps the exact PDF that was sent (private storage, SHA-256 recorded), so the
authority downloads the same bytes later even if the figures or the project changed since. The
reports are aggregate (small counts masked): no patient is named in them.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ess.db import lock_name, rows_known
from ess.permissions import require
from ess.roles import Institution, Role, has_role
from members.models import User
from projet_sante.indicators import permissions as perms
from projet_sante.indicators.emails import transmission_email
from projet_sante.indicators.models import Transmission, TransmissionRecipient
from projet_sante.indicators.reports import KINDS, report_pdf_now

MESSAGE_MAX_LENGTH = 2000


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------
def transmissions_visible_to(user) -> QuerySet[Transmission]:
    """The only definition of who sees which transmission: managers every one; an authority
    user those addressed to their institution (none while their account is attached to no
    institution); nobody else any."""
    transmissions = Transmission.objects.all()
    if not perms.can_view_transmissions(user):
        return transmissions.none()
    if has_role(user, Role.MANAGER):
        return transmissions
    if has_role(user, Role.AUTHORITY) and user.institution:
        return transmissions.filter(recipients__institution=user.institution)
    return transmissions.none()


def transmission_get_for_user(user, public_id) -> Transmission:
    """404 for "does not exist" and "not addressed to you" alike."""
    return get_object_or_404(transmissions_visible_to(user), public_id=public_id)


def transmission_list(user) -> QuerySet[Transmission]:
    """The archive, newest first, with the sender and the recipients (three queries)."""
    return (
        transmissions_visible_to(user)
        .select_related("sent_by")
        .prefetch_related(Prefetch("recipients", queryset=TransmissionRecipient.objects.all()))
    )


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------
def _clean_institutions(institutions) -> list[str]:
    chosen = sorted({str(i) for i in institutions or []})
    if not chosen:
        raise ValidationError(
            {"institutions": _("Choisissez à qui transmettre le document : ARS, CPAM ou les deux.")}
        )
    if any(i not in Institution.values for i in chosen):
        raise ValidationError({"institutions": _("Institution inconnue.")})
    return chosen


def _already_sent(kind: str, key: str, institutions: list[str], sha256: str = "") -> str:
    """The refusal of a double submission ("" when none): the same document sent to one of
    these institutions within ESS_TRANSMISSION_REPEAT_MINUTES, or with the same content
    (`sha256`, when known)."""
    since = timezone.now() - timedelta(minutes=settings.ESS_TRANSMISSION_REPEAT_MINUTES)
    same = Q(transmission__created_at__gte=since)
    if sha256:
        same |= Q(transmission__sha256=sha256)
    earlier = (
        TransmissionRecipient.objects.filter(
            transmission__kind=kind, transmission__key=key, institution__in=institutions
        )
        .filter(same)
        .select_related("transmission")
        .order_by("-transmission__created_at")
    )
    rows = list(earlier)
    if not rows:
        return ""
    names = ", ".join(sorted({r.get_institution_display() for r in rows}))
    when = date_format(timezone.localtime(rows[0].transmission.created_at), "j F Y à H:i")
    return _(
        "Ce document a déjà été transmis (%(institutions)s) le %(when)s : il n'est pas "
        "envoyé une seconde fois. Consultez l'archive des transmissions."
    ) % {"institutions": names, "when": when}


def report_transmit(
    *, kind: str, key: str, institutions, message: str = "", by: User
) -> Transmission:
    """Send the report `kind`:`key` (its PDF as a download would give it now) to the ARS and/or
    the CPAM: a Transmission row with the exact bytes in private storage and their SHA-256.

    Requires a manager (PermissionDenied). Raises ValidationError for no or an unknown
    institution, a report that may not be sent (a draft never submitted), or a double
    submission (the same document to the same institution within
    ESS_TRANSMISSION_REPEAT_MINUTES, or with identical content): nothing is written then.
    In the same transaction: an email to every active authority user of each institution,
    delivered from the outbox after commit."""
    require(perms.can_transmit_reports(by))
    chosen = _clean_institutions(institutions)
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"message": _("Le message dépasse %(n)s caractères.") % {"n": MESSAGE_MAX_LENGTH}}
        )
    report_kind = KINDS[kind]
    if refusal := report_kind.not_transmittable(key):
        raise ValidationError(refusal)
    with translation.override(settings.LANGUAGE_CODE):  # the document's title: it is in French
        title = report_kind.title(key)
    # A second click is refused at once, without rendering anything.
    if refusal := _already_sent(kind, key, chosen):
        raise ValidationError(refusal)
    # Rendered (or read from the cache) before the transaction: WeasyPrint takes seconds.
    pdf = report_pdf_now(kind, key)
    sha256 = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        lock_name(f"transmission:{kind}:{key}")  # two clicks: the second sees the first
        if refusal := _already_sent(kind, key, chosen, sha256):
            raise ValidationError(refusal)
        transmission = Transmission(
            kind=kind,
            key=key,
            title=title,
            message=message,
            sent_by=by,
            original_name=report_kind.filename(key),
            content_type="application/pdf",
            size=len(pdf),
            sha256=sha256,
        )
        transmission.file.save(transmission.public_id.hex, ContentFile(pdf), save=False)
        transmission.save()
        recipients = TransmissionRecipient.objects.bulk_create(
            TransmissionRecipient(transmission=transmission, institution=i) for i in chosen
        )
        rows_known(transmission, "recipients", recipients)
        labels = dict(Institution.choices)
        readers = User.objects.filter(
            role_grants__role=Role.AUTHORITY, institution__in=chosen, is_active=True
        ).distinct()
        for reader in readers.order_by("pk"):
            transmission_email(
                transmission,
                to=reader.email,
                institution_label=labels[reader.institution],
                language=reader.language,
            )
    return transmission
