"""The bulk export of the audit trail for the DPO: NDJSON, one AuditEvent per line, for a
period of days in Europe/Paris, from the /audit/ page (a year at most) or the command."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent

from ess.models import AuditAction, AuditEvent
from tests.factories import PatientFactory, ReferralFactory, valid_nir

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
URL = "/audit/export.ndjson"


def trace(at, obj_type="referrals.referral", obj_id=None, **fields) -> AuditEvent:
    return AuditEvent.objects.create(
        at=at,
        actor_email="dr.martin@exemple.fr",
        action=AuditAction.VIEW,
        object_type=obj_type,
        object_id=str(obj_id or uuid.uuid4()),
        **fields,
    )


@pytest.fixture
def march(db):
    """Rows on either side of March 2026 (Paris) and inside it."""
    patient = PatientFactory(ins=valid_nir("2690545234123"))
    referral = ReferralFactory(patient=patient)
    inside = [
        trace(datetime(2026, 3, 1, 0, 0, tzinfo=PARIS), obj_id=referral.public_id),
        trace(datetime(2026, 3, 15, 12, 0, tzinfo=PARIS), "referrals.patient", patient.public_id),
        trace(datetime(2026, 3, 31, 23, 59, 59, tzinfo=PARIS)),
    ]
    trace(datetime(2026, 2, 28, 23, 59, 59, tzinfo=PARIS))
    trace(datetime(2026, 4, 1, 0, 0, tzinfo=PARIS))
    return {"inside": inside, "patient": patient}


def lines_of(response) -> list[FhirAuditEvent]:
    body = b"".join(response.streaming_content).decode()
    return [FhirAuditEvent.model_validate_json(line) for line in body.splitlines()]


def test_the_manager_downloads_the_periods_traces_one_audit_event_per_line(
    client_for, manager, march
):
    response = client_for(manager).get(URL, {"debut": "2026-03-01", "fin": "2026-03-31"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    assert "journal-audit-2026-03-01-2026-03-31.ndjson" in response["Content-Disposition"]
    events = lines_of(response)
    assert len(events) == len(march["inside"])
    assert [int(e.id) for e in events] == [row.pk for row in march["inside"]]  # oldest first
    patient_line = events[1]
    assert patient_line.entity[1].what.identifier.value == march["patient"].ins
    assert events[0].entity[1].what.identifier.value == march["patient"].ins  # its referral
    # Identifiers only: the INS, never the patient's name.
    assert march["patient"].birth_name not in "".join(e.model_dump_json() for e in events)


def test_the_export_is_itself_recorded(client_for, manager, march):
    b"".join(
        client_for(manager).get(URL, {"debut": "2026-03-01", "fin": "2026-03-31"}).streaming_content
    )

    row = AuditEvent.objects.get(actor=manager)
    assert (row.action, row.object_type, row.object_id) == (
        AuditAction.EXPORT,
        "ess.auditevent",
        "journal",
    )
    assert row.object_label == "export NDJSON du 2026-03-01 au 2026-03-31"


@pytest.mark.parametrize(
    "query, message",
    [
        ({}, "premier et le dernier jour"),
        ({"debut": "01/03/2026", "fin": "2026-03-31"}, "Dates illisibles"),
        ({"debut": "2026-03-31", "fin": "2026-03-01"}, "précède le premier"),
        ({"debut": "2024-01-01", "fin": "2026-03-01"}, "export_audit_ndjson"),
    ],
)
def test_a_bad_period_goes_back_to_the_audit_page_with_its_reason_and_writes_nothing(
    client_for, manager, march, query, message
):
    before = AuditEvent.objects.count()

    response = client_for(manager).get(URL, query)

    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    assert message in next(str(m) for m in get_messages(response.wsgi_request))
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("persona", ["coordinator", "specialist", "authority"])
def test_other_roles_are_refused_and_the_attempt_recorded(client_for, request, persona, march):
    user = request.getfixturevalue(persona)

    response = client_for(user).get(URL, {"debut": "2026-03-01", "fin": "2026-03-31"})

    assert response.status_code == 403
    assert AuditEvent.objects.get(actor=user).outcome == "refused"


def test_the_audit_page_offers_the_download(client_for, manager):
    page = client_for(manager).get("/audit/").text

    assert 'action="/audit/export.ndjson"' in page
    assert 'name="debut"' in page and 'name="fin"' in page


def test_the_command_writes_the_periods_lines_for_any_length(tmp_path, march, capsys):
    output = tmp_path / "journal.ndjson"

    call_command(
        "export_audit_ndjson", "--from", "2020-01-01", "--to", "2026-03-31", "--output", str(output)
    )

    lines = output.read_text().splitlines()
    events = [FhirAuditEvent.model_validate_json(line) for line in lines]
    assert [int(e.id) for e in events] == [
        row.pk
        for row in AuditEvent.objects.filter(at__lt=datetime(2026, 4, 1, tzinfo=PARIS)).order_by(
            "at", "pk"
        )
    ]
    assert "4 événement(s)" in capsys.readouterr().err
    assert AuditEvent.objects.filter(via="commande", action=AuditAction.EXPORT).count() == 1


def test_the_command_refuses_a_bad_period_and_writes_nothing(tmp_path, march):
    output = tmp_path / "journal.ndjson"
    before = AuditEvent.objects.count()

    with pytest.raises(CommandError, match="précède"):
        call_command(
            "export_audit_ndjson",
            "--from",
            "2026-03-31",
            "--to",
            "2026-03-01",
            "--output",
            str(output),
        )

    assert not output.exists()
    assert list(tmp_path.iterdir()) == []
    assert AuditEvent.objects.count() == before
