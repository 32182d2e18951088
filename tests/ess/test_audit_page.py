"""The audit page over a long trail: filters served by indexes, a count that stops at a cap."""

import pytest

from ess.models import AuditAction, AuditEvent
from ess.web.paging import page_of
from tests.query_plans import plan_without_seqscan


def _events(n, **fields):
    defaults = {"actor_email": "dr.martin@exemple.fr", "object_type": "referrals.referral"}
    AuditEvent.objects.bulk_create(
        AuditEvent(action=AuditAction.VIEW, object_id=f"obj-{i}", **{**defaults, **fields})
        for i in range(n)
    )


def test_the_manager_filters_by_the_start_of_an_address_whatever_its_case(client_for, manager):
    _events(3)
    _events(2, actor_email="secretariat@exemple.fr")

    page = client_for(manager).get("/audit/", {"acteur": "DR.MAR"}).text

    assert page.count("dr.martin@exemple.fr") == 3
    assert "secretariat@exemple.fr" not in page


def test_the_manager_filters_by_an_object_identifier_alone(client_for, manager):
    _events(4)

    page = client_for(manager).get("/audit/", {"objet": "obj-2"}).text

    assert page.count("<tr>") == 2  # the header and the one event
    assert "obj-2" in page


def test_a_long_trail_says_more_than_instead_of_counting_it_all(rf, db):
    _events(130)
    events = AuditEvent.objects.all()

    first = page_of(rf.get("/audit/"), events, 50, count_cap=100)
    assert first.paginator.capped
    assert first.paginator.count == 101  # one row past the cap tells the list goes on
    assert first.has_next()

    third = page_of(rf.get("/audit/", {"page": "3"}), events, 50, count_cap=100)
    assert not third.paginator.capped  # asking further counts further: 130 rows, 3 pages
    assert (third.number, len(third.object_list)) == (3, 30)


def test_a_page_number_past_any_list_shows_the_last_page(rf, db):
    _events(3)

    page = page_of(rf.get("/audit/", {"page": "9" * 25}), AuditEvent.objects.all(), 2, count_cap=10)

    assert (page.number, len(page.object_list)) == (2, 1)


def test_the_page_says_more_than_when_the_trail_is_past_the_cap(client_for, manager, monkeypatch):
    monkeypatch.setattr("ess.views.AUDIT_COUNT_CAP", 100)
    _events(130)

    page = client_for(manager).get("/audit/").text

    assert "Page 1 sur plus de 2" in page


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ({"actor_email__istartswith": "dr.mar"}, "audit_actor_email_prefix"),
        ({"object_id": "obj-2"}, "audit_object_id"),
    ],
)
def test_each_filter_of_the_page_can_read_an_index(postgres, lookup, index):
    assert index in plan_without_seqscan(AuditEvent.objects.filter(**lookup).order_by("-at", "-pk"))
