"""The connection to the MSSanté operator's SMTP server: TLS always (STARTTLS or implicit), the
server's certificate checked against `ESS_MSSANTE_CA_FILE` (or the system's authorities) and
its name, and the platform's client certificate presented.

Django's SMTP backend takes a client certificate, but with it builds a TLS context that trusts
no authority at all, so the server could not be verified; this one builds the context itself.
"""

import ssl
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend

TLS_MODES = ("starttls", "ssl")


def mssante_configured() -> bool:
    """Whether answers are sent by secure messaging at all: a server and a sender are set."""
    return bool(settings.ESS_MSSANTE_HOST and settings.ESS_MSSANTE_FROM)


def mssante_connection():
    """A connection through the backend named by `ESS_MSSANTE_EMAIL_BACKEND` (errors raised)."""
    return get_connection(settings.ESS_MSSANTE_EMAIL_BACKEND, fail_silently=False)


class MSSanteEmailBackend(EmailBackend):
    """Django's SMTP backend configured from the `ESS_MSSANTE_*` settings."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        mode = settings.ESS_MSSANTE_TLS
        if mode not in TLS_MODES:
            raise ImproperlyConfigured(
                f"ESS_MSSANTE_TLS must be one of {', '.join(TLS_MODES)}, not {mode!r}."
            )
        super().__init__(
            host=settings.ESS_MSSANTE_HOST,
            port=settings.ESS_MSSANTE_PORT,
            username=settings.ESS_MSSANTE_USER,
            password=settings.ESS_MSSANTE_PASSWORD,
            use_tls=mode == "starttls",
            use_ssl=mode == "ssl",
            timeout=settings.ESS_MSSANTE_TIMEOUT,
            ssl_certfile=settings.ESS_MSSANTE_CLIENT_CERT or None,
            ssl_keyfile=settings.ESS_MSSANTE_CLIENT_KEY or None,
            fail_silently=fail_silently,
            **kwargs,
        )

    @cached_property
    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=settings.ESS_MSSANTE_CA_FILE or None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.ssl_certfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context
