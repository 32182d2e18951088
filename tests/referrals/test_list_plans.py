"""The requester's list and the specialist's "done" tab read indexes, not the whole table, and
keep a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.selectors import (
    recently_completed_by,
    referral_list_for_requester,
    specialist_inbox,
)
from tests.factories import ReferralFactory
from tests.query_plans import plan_without_seqscan

pytestmark = pytest.mark.django_db


def test_the_done_tab_reads_the_specialists_completed_cases_in_order_from_an_index(specialist):
    plan = plan_without_seqscan(recently_completed_by(specialist)[:20])

    assert "referral_done_by_specialist" in plan
    assert "Sort" not in plan


def test_the_requesters_list_reads_the_requester_and_gp_indexes(requester):
    plan = plan_without_seqscan(referral_list_for_requester(requester)[:20])

    assert "Index Cond: (requester_id = " in plan
    assert "Index Cond: (referring_gp_id = " in plan


def test_the_done_tab_keeps_the_latest_20_in_a_fixed_number_of_queries(
    specialist, other_specialist, django_assert_max_num_queries
):
    now = timezone.now()
    done = [
        ReferralFactory(
            status="completed",
            specialist=specialist,
            accepted_at=now - timedelta(days=30),
            completed_at=now - timedelta(days=i),
        )
        for i in range(22)
    ]
    ReferralFactory(status="completed", specialist=other_specialist, completed_at=now)

    with django_assert_max_num_queries(6):
        inbox = specialist_inbox(specialist)
        names = [r.patient.birth_name for r in inbox["done"]]

    assert [r.pk for r in inbox["done"]] == [r.pk for r in done[:20]]
    assert len(names) == 20


def test_the_requesters_list_shows_what_they_sent_and_what_they_were_kept_informed_of(
    requester, django_assert_max_num_queries
):
    sent = ReferralFactory(requester=requester)
    informed = ReferralFactory(referring_gp=requester)
    ReferralFactory()  # someone else's

    with django_assert_max_num_queries(3):  # roles, the page, its patients
        rows = list(referral_list_for_requester(requester))
        names = [r.patient.birth_name for r in rows]

    assert {r.pk for r in rows} == {sent.pk, informed.pk}
    assert len(names) == 2
