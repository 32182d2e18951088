"""The hostile-upload corpus through every way a file comes in: each file is refused with its
French message and leaves nothing behind (no row, no file on disk); the valid files pass.
"""

import pytest

from referrals import services
from referrals.models import Attachment
from tests.security.upload_corpus import HOSTILE, SIZE_LIMIT, VALID, Sample, pdf
from tests.security.upload_entry_points import ENTRY_POINTS, api_attachments


@pytest.fixture(autouse=True)
def _small_size_limit(settings):
    settings.ESS_ATTACHMENT_MAX_BYTES = SIZE_LIMIT


# The whole corpus goes through the three busiest doors; the others get a sample of each family
# (they all call the same check, which these tests prove they do).
MAIN = ["web-referral-form", "web-message", "api-attachments"]
FAMILIES = ["pdf-js-open", "pdf-zip-polyglot", "svg-script", "exe-as-pdf", "png-bomb", "eicar"]


def _cases(samples, families=None):
    for entry in ENTRY_POINTS:
        for sample in samples:
            if entry in MAIN or sample.id in (families or FAMILIES):
                yield pytest.param(entry, sample, id=f"{entry}:{sample.id}")


@pytest.mark.parametrize(("entry", "sample"), list(_cases(HOSTILE)))
def test_a_hostile_file_is_refused_in_french_and_nothing_is_written(
    request, world, entry: str, sample: Sample
):
    if sample.needs_clamd:
        request.getfixturevalue("clamd")
    send, rows = ENTRY_POINTS[entry](world)
    before_rows, before_files = rows(), world.stored_files()

    outcome = send(sample.name, sample.data)

    assert outcome.status in (200, 302, 400), outcome.text[:500]
    assert sample.expected in outcome.text
    assert rows() == before_rows
    assert world.stored_files() == before_files


@pytest.mark.parametrize(("entry", "sample"), list(_cases(VALID, families=["weasyprint-pdf"])))
def test_a_valid_file_is_stored(world, entry: str, sample: Sample):
    send, rows = ENTRY_POINTS[entry](world)
    before, data = rows(), sample.data

    outcome = send(sample.name, data)

    assert outcome.status in (200, 201, 302), outcome.text[:500]
    assert rows() > before
    assert [path.read_bytes() for path in world.stored_files()] == [data]


def test_a_path_in_the_name_is_dropped_and_the_file_stays_in_private_storage(world, settings):
    """Django's parser keeps only the last component of a sent name; the file is stored under
    an opaque name inside the private storage, whatever the sender called it."""
    send, _ = api_attachments(world)

    outcome = send("../../etc/passwd.pdf", pdf())

    assert outcome.status == 201
    attachment = Attachment.objects.get()
    assert attachment.original_name == "passwd.pdf"
    (path,) = world.stored_files()
    assert str(path) == attachment.file.path
    assert "passwd" not in str(path)
    assert path.resolve().is_relative_to(world.storage.resolve())


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("../../etc/passwd.pdf", "contient un chemin"),
        ("..\\..\\Windows\\win.ini.pdf", "contient un chemin"),
        ("..", "contient un chemin"),
        ("facture\u202efdp.pdf", "caractères invisibles ou de contrôle"),
        ("ordonnance.pdf\x00.exe", "caractères invisibles ou de contrôle"),
        ("compte\u200b-rendu.pdf", "caractères invisibles ou de contrôle"),
    ],
)
def test_a_service_refuses_a_name_with_a_path_or_hidden_characters(world, name, words):
    """A caller that bypasses Django's multipart parser (an import, a future API) gets the
    same protection: the name itself is refused before anything is stored."""

    class RawUpload:  # Django's UploadedFile would strip the path from the name
        def __init__(self, name, data):
            import io

            self.name, self.size, self._data = name, len(data), io.BytesIO(data)
            self.read, self.seek = self._data.read, self._data.seek

    referral = world.referral()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.attachment_add(
            referral_id=referral.pk, by=world.requester, files=[RawUpload(name, pdf())]
        )

    assert words in refused.value.messages[0]
    assert "\u202e" not in refused.value.messages[0]
    assert not Attachment.objects.exists()
    assert world.stored_files() == []


def test_the_corpus_is_large_enough():
    assert len(HOSTILE) >= 25
    assert len({sample.id for sample in HOSTILE + VALID}) == len(HOSTILE + VALID)
