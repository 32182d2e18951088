"""Every upload is scanned by ClamAV's daemon, and refused when the daemon gives no verdict.

The EICAR tests run against the real engine (`clamd` fixture: `.ci/run` starts one with a local
signature database). The fail-closed tests point the platform at sockets that are dead, silent
or answering an error: they need no clamd.
"""

import socket
import threading

import pytest

from ess import antivirus
from ess.checks import antivirus_check
from tests.security.upload_corpus import EICAR, pdf
from tests.security.upload_entry_points import ENTRY_POINTS, api_attachments

UNAVAILABLE = "Analyse antivirus indisponible, réessayez plus tard"


def test_the_real_engine_finds_eicar_and_passes_a_clean_file(clamd):
    assert "Eicar" in antivirus.scan(EICAR)
    assert antivirus.scan(pdf()) is None


def test_eicar_is_refused_through_the_api_and_nothing_is_written(clamd, world):
    send, rows = api_attachments(world)

    outcome = send("eicar.txt", EICAR)

    assert outcome.status == 400
    assert "« eicar.txt » est refusé : l'antivirus y a détecté un logiciel malveillant" in (
        outcome.text
    )
    assert rows() == 0
    assert world.stored_files() == []


def test_without_a_scanner_nothing_is_scanned_in_development(settings, world):
    settings.CLAMD_SOCKET = settings.CLAMD_URL = ""
    send, rows = api_attachments(world)

    outcome = send("eicar.txt", EICAR)

    assert outcome.status == 201
    assert rows() == 1


# ---------------------------------------------------------------------------------------------
# Fail closed
# ---------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeClamd:
    """A TCP listener on 127.0.0.1 that reads a whole INSTREAM request, then answers `reply`
    (or never accepts when `reply` is None: connect succeeds, no answer ever comes)."""

    def __init__(self, reply: bytes | None):
        self.reply = reply
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.settimeout(5)
        self.url = f"tcp://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        if reply is not None:
            self.thread.start()

    def _serve(self):
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(5)
            received = b""
            while not received.endswith(b"\x00\x00\x00\x00"):
                chunk = connection.recv(65536)
                if not chunk:
                    return
                received += chunk
            connection.sendall(self.reply)

    def close(self):
        self.listener.close()
        if self.thread.is_alive():
            self.thread.join(timeout=5)


@pytest.fixture
def fake_clamd():
    servers = []

    def start(reply):
        servers.append(FakeClamd(reply))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


SCANNERS = {
    "unix socket absent": lambda tmp_path, fake: {"CLAMD_SOCKET": str(tmp_path / "absent.sock")},
    "tcp port closed": lambda tmp_path, fake: {"CLAMD_URL": f"tcp://127.0.0.1:{_free_port()}"},
    "no answer (timeout)": lambda tmp_path, fake: {"CLAMD_URL": fake(None)},
    "engine error": lambda tmp_path, fake: {"CLAMD_URL": fake(b"stream: Can't allocate ERROR\n")},
    "size limit": lambda tmp_path, fake: {
        "CLAMD_URL": fake(b"INSTREAM size limit exceeded. ERROR\n")
    },
    "garbled answer": lambda tmp_path, fake: {"CLAMD_URL": fake(b"\n")},
    "URL not understood": lambda tmp_path, fake: {"CLAMD_URL": "http://clamav:3310"},
}


@pytest.mark.parametrize("scanner", list(SCANNERS))
def test_an_upload_is_refused_when_the_configured_scanner_gives_no_verdict(
    settings, tmp_path, fake_clamd, world, scanner
):
    settings.CLAMD_SOCKET, settings.CLAMD_URL, settings.CLAMD_TIMEOUT = "", "", 0.5
    for key, value in SCANNERS[scanner](tmp_path, fake_clamd).items():
        setattr(settings, key, value)
    send, rows = api_attachments(world)

    outcome = send("ecg.pdf", pdf())

    assert outcome.status == 400
    assert f"{UNAVAILABLE} : « ecg.pdf » n'a pas été enregistré." in outcome.text
    assert rows() == 0
    assert world.stored_files() == []


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_every_upload_path_refuses_a_file_it_could_not_scan(settings, tmp_path, world, entry):
    settings.CLAMD_SOCKET, settings.CLAMD_URL = str(tmp_path / "clamd-is-down.sock"), ""
    send, rows = ENTRY_POINTS[entry](world)
    before = rows()

    outcome = send("ecg.pdf", pdf())

    assert UNAVAILABLE in outcome.text
    assert rows() == before
    assert world.stored_files() == []


def test_a_scanner_answering_ok_lets_the_file_through(settings, fake_clamd, world):
    """The TCP client path, end to end, with a verdict: the file is stored."""
    settings.CLAMD_SOCKET, settings.CLAMD_URL = "", fake_clamd(b"stream: OK\n")
    send, rows = api_attachments(world)

    outcome = send("ecg.pdf", pdf())

    assert outcome.status == 201
    assert rows() == 1


# ---------------------------------------------------------------------------------------------
# The production checklist
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("socket_path", "url", "ids"),
    [
        ("", "", ["ess.W301"]),
        ("", "tcp://clamav:3310", []),
        ("/run/clamav/clamd.ctl", "", []),
        ("", "unix:///run/clamav/clamd.ctl", []),
        ("", "clamav:3310", ["ess.E301"]),
        ("/run/clamav/clamd.ctl", "tcp://clamav:3310", ["ess.W302"]),
    ],
)
def test_check_deploy_says_when_uploads_are_not_scanned(settings, socket_path, url, ids):
    settings.CLAMD_SOCKET, settings.CLAMD_URL = socket_path, url

    assert [message.id for message in antivirus_check(None)] == ids
