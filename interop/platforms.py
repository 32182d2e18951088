"""Registering a platform that calls `/fhir/`, issuing its token, revoking it."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from interop.models import Platform, PlatformScope
from members.models import User


@transaction.atomic
def register_platform(
    *, name: str, scopes: list[str], certificate_fingerprint: str = "", contact_email: str = ""
) -> tuple[Platform, str]:
    """A new platform with its service account; returns it and its token (shown once)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Le nom de la plateforme est obligatoire.")})
    unknown = sorted(set(scopes) - set(PlatformScope.values))
    if unknown or not scopes:
        raise ValidationError(
            {
                "scopes": _("Droits possibles : %(choices)s.")
                % {"choices": ", ".join(PlatformScope.values)}
            }
        )
    fingerprint = certificate_fingerprint.replace(":", "").strip().lower()
    if fingerprint and (len(fingerprint) != 64 or set(fingerprint) - set("0123456789abcdef")):
        raise ValidationError(
            {
                "certificate_fingerprint": _(
                    "L'empreinte du certificat est un SHA-256 : 64 chiffres hexadécimaux."
                )
            }
        )
    if Platform.objects.filter(name__iexact=name, revoked_at=None).exists():
        raise ValidationError({"name": _("Une plateforme de ce nom est déjà raccordée.")})
    account = User.objects.create_user(
        email=f"{slugify(name)[:40] or 'plateforme'}-{secrets.token_hex(4)}@plateformes.invalid",
        last_name=name[:150],
    )
    platform = Platform.objects.create(
        name=name,
        account=account,
        scopes=sorted(set(scopes)),
        certificate_fingerprint=fingerprint,
        contact_email=contact_email,
    )
    return platform, platform.issue_token()


@transaction.atomic
def revoke_platform(platform: Platform) -> None:
    """The platform can no longer call: its token and certificate are refused."""
    Platform.objects.filter(pk=platform.pk, revoked_at=None).update(revoked_at=timezone.now())
    User.objects.filter(pk=platform.account_id).update(is_active=False)
