"""The coordinator's queue reads indexes in its own order, whatever the size of the history:
its working views the partial index of open referrals, "Toutes" (a deep page, a filter) the
index in the same order over every referral, a search the patients by name and their
referrals by patient."""

import pytest

from referrals.dashboard import QUEUE_VIEWS, queue_referrals
from tests.factories import ReferralFactory
from tests.query_plans import plan_without_seqscan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("view", [view for view in QUEUE_VIEWS if view != "toutes"])
def test_every_working_view_reads_the_open_referrals_in_queue_order(coordinator, view):
    plan = plan_without_seqscan(queue_referrals(coordinator, view=view)[:25], in_index_order=True)

    assert "referral_open_queue" in plan


def test_a_deep_page_of_every_referral_reads_the_index_in_queue_order(coordinator):
    plan = plan_without_seqscan(
        queue_referrals(coordinator, view="toutes")[4975:5000], in_index_order=True
    )

    assert "referral_all_by_due" in plan


def test_filters_on_priority_and_specialty_apply_on_the_index_in_queue_order(coordinator):
    keys = queue_referrals(coordinator, view="toutes", priorite="P2", specialite="cardiologie")

    plan = plan_without_seqscan(keys[:25], in_index_order=True)

    assert "referral_all_by_due" in plan
    assert "ess_specialty" not in plan.split("InitPlan")[0]  # looked up once, not joined


def test_a_search_reads_patients_by_name_and_their_referrals_by_patient(coordinator):
    plan = plan_without_seqscan(queue_referrals(coordinator, view="toutes", q="dupont")[:25])

    assert "patient_name_prefix" in plan
    assert "patient_used_name_prefix" in plan
    assert "referral_by_patient" in plan
    assert "SubPlan" not in plan  # no referral is tested against the matching patients


def test_the_page_reads_its_ids_then_its_rows(
    client_for, coordinator, cardiology, django_assert_max_num_queries
):
    ReferralFactory.create_batch(3)
    client = client_for(coordinator)
    client.get("/regulation/")

    with django_assert_max_num_queries(30) as captured:
        response = client.get("/regulation/")

    page_reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "referrals_referral"' in q["sql"]
    ]
    assert response.status_code == 200
    assert any("JOIN" in sql for sql in page_reads)
    assert not any("JOIN" in sql and "LIMIT" in sql for sql in page_reads)
