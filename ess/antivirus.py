"""Antivirus scanning of uploads with ClamAV's daemon (clamd), over its socket.

Configured by `CLAMD_SOCKET` (a unix socket path) or `CLAMD_URL` (`tcp://host:port` or
`unix:///path`). With neither, nothing is scanned (development); `check --deploy` says so.
Configured but unreachable, timing out or answering an error: `ScannerUnavailable`, and the
caller refuses the upload (fail closed): a file that could not be scanned is never stored.

The INSTREAM protocol is spoken by `clamav-client` (a maintained, typed fork of python-clamd).
"""

import io
import logging
from urllib.parse import urlsplit

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings

logger = logging.getLogger(__name__)


class ScannerUnavailable(Exception):
    """The scanner is configured but could not give a verdict."""


class ScannerMisconfigured(ScannerUnavailable):
    """`CLAMD_URL` cannot be understood."""


def scanner_configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_URL)


def scanner_client() -> ClamdNetworkSocket | None:
    timeout = settings.CLAMD_TIMEOUT
    if settings.CLAMD_SOCKET:
        return ClamdUnixSocket(path=settings.CLAMD_SOCKET, timeout=timeout)
    if not settings.CLAMD_URL:
        return None
    url = urlsplit(settings.CLAMD_URL)
    if url.scheme == "unix" and url.path:
        return ClamdUnixSocket(path=url.path, timeout=timeout)
    try:
        port = url.port or 3310
    except ValueError:
        port = None
    if url.scheme == "tcp" and url.hostname and port:
        return ClamdNetworkSocket(host=url.hostname, port=port, timeout=timeout)
    raise ScannerMisconfigured(
        f"CLAMD_URL={settings.CLAMD_URL!r}: expected tcp://host:port or unix:///path"
    )


def scan(data: bytes) -> str | None:
    """Scan `data`. Returns the name of the signature found, or None when the data is clean or
    no scanner is configured. Raises ScannerUnavailable when the configured scanner gives no
    verdict (down, timeout, size limit, engine error)."""
    client = scanner_client()
    if client is None:
        return None
    try:
        results = client.instream(io.BytesIO(data))
    except (ClamdError, OSError) as exc:
        # OSError: clamd may close the socket mid-stream (its StreamMaxLength, a restart).
        logger.error("clamd unreachable or failing: %s", exc)
        raise ScannerUnavailable(str(exc)) from exc
    status, signature = next(iter(results.values()), ("", None))
    if status == "OK":
        return None
    if status == "FOUND":
        return signature or "?"
    logger.error("clamd gave no verdict: %r", results)
    raise ScannerUnavailable(f"clamd answered {results!r}")


def scanner_ping() -> None:
    """Raise ScannerUnavailable unless the configured scanner answers PONG."""
    client = scanner_client()
    if client is None:
        raise ScannerUnavailable("no scanner configured")
    try:
        answer = client.ping()
    except (ClamdError, OSError) as exc:
        raise ScannerUnavailable(str(exc)) from exc
    if answer != "PONG":
        raise ScannerUnavailable(f"clamd answered {answer!r} to PING")
