"""Who calls `/fhir/`: a registered platform, by its token or by its client certificate, or a
person of the ESS with an API token or a session (the access-trace search only).

Mutual TLS is terminated by the reverse proxy, which passes the verified certificate in a header
(`ESS_FHIR_CLIENT_CERT_HEADER`, nginx's `$ssl_client_escaped_cert`) together with its verdict
(`ESS_FHIR_CLIENT_VERIFY_HEADER`, `$ssl_client_verify`). Those headers are believed only on a
connection from a proxy listed in `ESS_TRUSTED_PROXIES`: from anyone else they are ignored.
"""

import hashlib
import ssl
from urllib.parse import unquote

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from ess.client_ip import from_trusted_proxy
from interop.models import Platform


def _meta_name(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def certificate_fingerprint(pem: str) -> str:
    """SHA-256 of a PEM certificate's DER bytes, lowercase hex; raises ValueError if it is not
    one."""
    der = ssl.PEM_cert_to_DER_cert(pem.strip())
    return hashlib.sha256(der).hexdigest()


def _active(platform: Platform | None) -> tuple:
    if platform is None:
        raise exceptions.AuthenticationFailed(_("Plateforme inconnue."))
    if not platform.is_active:
        raise exceptions.AuthenticationFailed(_("Le raccordement de cette plateforme est révoqué."))
    if not platform.account.is_active:
        raise exceptions.AuthenticationFailed(
            _("Le compte de service de cette plateforme est désactivé.")
        )
    return platform.account, platform


class PlatformTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>` issued to a registered platform."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization mal formé."))
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization mal formé.")) from None
        platform = (
            Platform.objects.select_related("account").filter(token_hash=Platform.hash(key)).first()
            if key
            else None
        )
        return _active(platform)

    def authenticate_header(self, request):
        return 'Bearer realm="fhir"'


class PlatformCertificateAuthentication(BaseAuthentication):
    """The client certificate the trusted reverse proxy verified (see the module's docstring)."""

    def authenticate(self, request):
        raw = request.META.get(_meta_name(settings.ESS_FHIR_CLIENT_CERT_HEADER), "")
        if not raw or not from_trusted_proxy(request):
            return None
        verdict = request.META.get(_meta_name(settings.ESS_FHIR_CLIENT_VERIFY_HEADER), "")
        if verdict != "SUCCESS":
            raise exceptions.AuthenticationFailed(
                _("Le certificat client n'a pas été vérifié par le mandataire inverse.")
            )
        try:
            fingerprint = certificate_fingerprint(unquote(raw))
        except ValueError:
            raise exceptions.AuthenticationFailed(_("Certificat client illisible.")) from None
        platform = (
            Platform.objects.select_related("account")
            .filter(certificate_fingerprint=fingerprint)
            .first()
        )
        return _active(platform)


def calling_platform(request) -> Platform | None:
    """The platform behind this request, or None for a person."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Platform) else None
