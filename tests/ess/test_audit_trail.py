import pytest
from django.db import connection
from django.http import Http404
from django.urls import reverse

from ess.audit import audit_record, audit_record_many, audit_refusal
from ess.models import AuditAction, AuditEvent
from members.models import Organisation


@pytest.fixture
def an_object(db):
    return Organisation.objects.create(name="Cabinet des Carmes", kind="cabinet")


def test_audit_record_writes_who_what_when_and_from_where(rf, coordinator, an_object, settings):
    settings.ESS_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]  # the request comes through both
    request = rf.get(
        "/demandes/x/", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1", HTTP_USER_AGENT="Firefox"
    )
    request.user = coordinator

    audit_record(request=request, action=AuditAction.VIEW, obj=an_object, label="ESS-2026-000001")

    event = AuditEvent.objects.get()
    assert event.actor == coordinator
    assert event.actor_email == coordinator.email
    assert event.action == "view"
    assert (event.object_type, event.object_id) == (
        "members.organisation",
        str(an_object.public_id),
    )
    assert event.object_label == "ESS-2026-000001"
    assert event.ip_address == "203.0.113.7"
    assert event.path == "/demandes/x/"
    assert event.at is not None


@pytest.mark.django_db(transaction=True)
def test_a_list_pages_read_lines_are_committed_on_their_own(
    rf, django_user_model, django_assert_num_queries
):
    """Outside any transaction (as a list page runs), the lines are written by one statement,
    its own transaction, which leaves the connection as it found it."""
    user = django_user_model.objects.create_user(email="lecteur@example.org", password="x")
    objects = [Organisation.objects.create(name=f"Cabinet {i}", kind="cabinet") for i in range(3)]
    request = rf.get("/annuaire/?page=2&q=Dupont", HTTP_USER_AGENT="Firefox")
    request.user = user

    with django_assert_num_queries(1):
        audit_record_many(
            request=request, action=AuditAction.VIEW, objects=objects, label_attr="name"
        )

    assert not connection.in_atomic_block
    lines = AuditEvent.objects.order_by("object_label")
    assert [(e.object_type, e.object_id, e.object_label) for e in lines] == [
        ("members.organisation", str(o.public_id), o.name) for o in objects
    ]
    assert {
        (e.actor_id, e.actor_email, e.action, e.outcome, e.path, e.user_agent, e.ip_address)
        for e in lines
    } == {(user.pk, user.email, "view", "allowed", "/annuaire/?page=2", "Firefox", "127.0.0.1")}
    assert len({e.at for e in lines}) == 1 and lines[0].at is not None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"  # set for the statement's transaction only


def test_the_trail_refuses_updates_and_deletes_through_the_orm(rf, coordinator, an_object):
    request = rf.get("/")
    request.user = coordinator
    event = audit_record(request=request, action=AuditAction.VIEW, obj=an_object)

    event.action = "export"
    with pytest.raises(ValueError, match="ajout seul"):
        event.save()
    with pytest.raises(ValueError, match="ajout seul"):
        event.delete()
    assert AuditEvent.objects.get().action == "view"


def test_postgresql_refuses_raw_updates_and_deletes_of_the_trail(
    postgres, rf, coordinator, an_object
):
    from django.db import DataError, InternalError, ProgrammingError, transaction

    request = rf.get("/")
    request.user = coordinator
    audit_record(request=request, action=AuditAction.VIEW, obj=an_object)

    for sql in ("UPDATE ess_auditevent SET action = 'export'", "DELETE FROM ess_auditevent"):
        with (
            pytest.raises((InternalError, DataError, ProgrammingError), match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get().action == "view"


def test_managers_browse_the_trail_and_filter_it(client_for, manager, coordinator, rf, an_object):
    request = rf.get("/")
    request.user = coordinator
    audit_record(request=request, action=AuditAction.DOWNLOAD, obj=an_object, label="REF-A")
    request.user = manager
    audit_record(request=request, action=AuditAction.VIEW, obj=an_object, label="REF-B")
    client = client_for(manager)

    everything = client.get(reverse("audit_list"))
    filtered = client.get(reverse("audit_list"), {"acteur": coordinator.email})

    assert everything.status_code == 200
    assert "REF-A" in everything.text and "REF-B" in everything.text
    assert "REF-A" in filtered.text and "REF-B" not in filtered.text
    assert "Téléchargement" in filtered.text


@pytest.mark.parametrize("persona", ["requester", "coordinator", "specialist", "authority"])
def test_other_roles_cannot_open_the_trail(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(reverse("audit_list")).status_code == 403


def test_the_trail_page_runs_a_constant_number_of_queries(
    client_for, manager, rf, an_object, django_assert_max_num_queries
):
    request = rf.get("/")
    request.user = manager
    for _ in range(60):
        audit_record(request=request, action=AuditAction.VIEW, obj=an_object)
    client = client_for(manager)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit_list"))
    assert response.status_code == 200


def test_the_audited_path_keeps_only_non_nominative_parameters(rf, coordinator, an_object):
    request = rf.get("/regulation/", {"q": "DUPONT", "statut": "triaged", "page": "2", "x": "y"})
    request.user = coordinator

    audit_record(request=request, action=AuditAction.VIEW, obj=an_object)

    assert AuditEvent.objects.get().path == "/regulation/?statut=triaged&page=2"


def test_managers_see_refusals_and_filter_on_them(client_for, manager, coordinator, rf, an_object):
    request = rf.get("/")
    request.user = coordinator
    audit_record(request=request, action=AuditAction.VIEW, obj=an_object, label="REF-LU")
    with (
        pytest.raises(Http404),
        audit_refusal(request=request, object_type="referrals.referral", object_id="0f6c-refuse"),
    ):
        raise Http404
    client = client_for(manager)

    everything = client.get(reverse("audit_list")).text
    refused = client.get(reverse("audit_list"), {"resultat": "refused"}).text
    allowed = client.get(reverse("audit_list"), {"resultat": "allowed"}).text

    assert "REF-LU" in everything and "0f6c-refuse" in everything
    assert '<span class="badge text-bg-danger">Refusé</span>' in everything
    assert "0f6c-refuse" in refused and "REF-LU" not in refused
    assert "REF-LU" in allowed and "0f6c-refuse" not in allowed
