"""The requester's list, the API's list and the specialist's "done" tab read indexes, not the
whole table, and keep a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from referrals.pages import ReferralPages, referral_list_for_requester
from referrals.selectors import first_offers_to, recently_completed_by, specialist_inbox
from tests.factories import ReferralFactory
from tests.query_plans import plan_without_seqscan

pytestmark = pytest.mark.django_db


def _copies(cursor, table: str, template_id: int, count: int, values: dict[str, str]) -> None:
    """`count` copies of the row `template_id` of `table`, each column in `values` computed
    from n (1 … count) instead of copied."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    columns = [name for (name,) in cursor.fetchall()]
    select = ", ".join(values.get(name, f"t.{name}") for name in columns)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} "  # noqa: S608 — our names
        f"FROM {table} t CROSS JOIN generate_series(1, %s) AS n WHERE t.id = %s",
        [count, template_id],
    )


@pytest.fixture
def national_history(db):
    """What the lists read in service: 10,000 referrals of 300 other requesters, in every
    status, held by 60 other specialists, and the statistics PostgreSQL keeps of them (all
    rolled back with the test). On near-empty tables every plan costs the same, and which index
    the planner picks depends on what earlier tests left."""
    template = ReferralFactory()
    with connection.cursor() as cursor:
        _copies(
            cursor,
            "members_user",
            template.requester_id,
            360,
            {
                "email": "'national-' || n || '@exemple.fr'",
                "public_id": "gen_random_uuid()",
                "rpps": "''",
            },
        )
        cursor.execute(
            "SELECT array_agg(id ORDER BY id) FROM members_user WHERE email LIKE 'national-%%'"
        )
        (people,) = cursor.fetchone()
        requesters, specialists = people[:300], people[300:]
        statuses = "(ARRAY['submitted', 'triaged', 'accepted', 'scheduled', 'completed', "
        statuses += "'completed', 'completed', 'info_requested', 'cancelled', 'declined'])"
        _copies(
            cursor,
            "referrals_referral",
            template.pk,
            10_000,
            {
                "public_id": "gen_random_uuid()",
                "reference": "'NAT-' || n",
                "status": f"{statuses}[1 + mod(n, 10)]",
                "submitted_at": "now() - n * interval '50 minutes'",
                "completed_at": "CASE WHEN mod(n, 10) IN (4, 5, 6) "
                "THEN now() - n * interval '50 minutes' + interval '3 days' END",
                "requester_id": f"(ARRAY{requesters})[1 + mod(n, 300)]",
                "referring_gp_id": f"(ARRAY{requesters})[1 + mod(n * 7, 300)]",
                "specialist_id": f"(ARRAY{specialists})[1 + mod(n, 60)]",
                "offered_to_id": f"(ARRAY{specialists})[1 + mod(n * 11, 60)]",
            },
        )
        cursor.execute("ANALYZE members_user")
        cursor.execute("ANALYZE referrals_referral")


def test_the_done_tab_reads_the_specialists_completed_cases_in_order_from_an_index(
    national_history, specialist
):
    plan = plan_without_seqscan(recently_completed_by(specialist)[:20])

    assert "referral_done_by_specialist" in plan
    assert "Sort" not in plan


def _reads_index_on(plan: str, column: str) -> bool:
    """An index scan whose condition starts with `column` (whichever of the indexes on it
    PostgreSQL picks)."""
    return re.search(rf"Index Cond: \(\(?{column} = ", plan) is not None


def test_the_offered_tab_reads_each_offer_branch_from_an_index(national_history, specialist):
    plan = plan_without_seqscan(first_offers_to(specialist))

    assert _reads_index_on(plan, "offered_to_id")
    assert _reads_index_on(plan, "specialty_id")
    assert "Seq Scan on referrals_referral" not in plan


def test_the_requesters_list_reads_each_branch_from_an_index(national_history, requester):
    pages = referral_list_for_requester(requester)

    for condition in (pages.first, ~pages.first):
        plan = plan_without_seqscan(pages.ids_query(condition, 0, 20))

        assert _reads_index_on(plan, "requester_id")
        assert _reads_index_on(plan, "referring_gp_id")
        assert "Seq Scan on referrals_referral" not in plan


def test_the_requesters_list_on_one_status_reads_each_branch_from_an_index(
    national_history, requester
):
    pages = referral_list_for_requester(requester, status="scheduled")

    plan = plan_without_seqscan(pages.ids_query(pages.filters, 0, 20))

    assert _reads_index_on(plan, "requester_id")
    assert _reads_index_on(plan, "referring_gp_id")


def test_an_organisations_list_reads_the_organisation_index(national_history, requester):
    requester.acts_for_organisation = True
    requester.save(update_fields=["acts_for_organisation"])
    assert requester.organisation_id

    plan = plan_without_seqscan(ReferralPages(requester).ids_query(Q(), 0, 20))

    assert _reads_index_on(plan, "requester_organisation_id")


def test_a_specialists_list_reads_the_cases_they_hold_from_an_index(national_history, specialist):
    plan = plan_without_seqscan(ReferralPages(specialist).ids_query(Q(), 0, 20))

    assert _reads_index_on(plan, "specialist_id")
    assert "Seq Scan on referrals_referral" not in plan


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

    # Roles, the page's ids (what waits for the requester, then the rest), its rows, its patients.
    with django_assert_max_num_queries(5):
        rows = referral_list_for_requester(requester)[0:20]
        names = [r.patient.birth_name for r in rows]

    assert {r.pk for r in rows} == {sent.pk, informed.pk}
    assert len(names) == 2


def test_without_union_slices_the_lists_are_the_same(requester, specialist, monkeypatch):
    sent = [ReferralFactory(requester=requester) for _ in range(3)]
    informed = ReferralFactory(referring_gp=requester)
    ReferralFactory()  # someone else's
    offered = ReferralFactory(triaged=True, offered_to=specialist)
    with_union = (
        [r.pk for r in referral_list_for_requester(requester)[0:20]],
        [r.pk for r in referral_list_for_requester(requester)[1:3]],
        sorted(row["pk"] for row in first_offers_to(specialist)),
    )
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    without_union = (
        [r.pk for r in referral_list_for_requester(requester)[0:20]],
        [r.pk for r in referral_list_for_requester(requester)[1:3]],
        sorted(row["pk"] for row in first_offers_to(specialist)),
    )

    assert without_union == with_union
    assert set(with_union[0]) == {r.pk for r in [*sent, informed]}
    assert with_union[2] == [offered.pk]
