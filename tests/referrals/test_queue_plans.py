"""The coordinator's queue reads indexes in its own order, whatever the size of the history:
its working views the partial index of open referrals, "Toutes" (a deep page, a filter) the
index in the same order over every referral, a search the patients by name and their
referrals by patient."""

import pytest

from referrals.dashboard import QUEUE_VIEWS, queue_referrals
from tests.factories import PatientFactory, ReferralFactory
from tests.query_plans import plan_without_seqscan
from tests.referrals.test_dashboard import bulk_referrals

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


def test_a_name_with_first_names_also_reads_the_patients_by_name_prefix(coordinator):
    plan = plan_without_seqscan(queue_referrals(coordinator, view="toutes", q="dupont jean")[:25])

    assert plan.count("patient_name_prefix") == 2  # "DUPONT JEAN", and "DUPONT" then "JEAN"
    assert plan.count("patient_used_name_prefix") == 2
    assert "referral_by_patient" in plan


def test_the_page_reads_its_ids_then_its_rows(
    client_for, coordinator, cardiology, django_assert_max_num_queries
):
    ReferralFactory.create_batch(3)
    client = client_for(coordinator)
    client.get("/regulation/")

    with django_assert_max_num_queries(10) as captured:
        response = client.get("/regulation/")

    page_reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "referrals_referral"' in q["sql"]
    ]
    assert response.status_code == 200
    assert any("JOIN" in sql for sql in page_reads)
    assert not any("JOIN" in sql and "LIMIT" in sql for sql in page_reads)


def test_the_page_says_more_than_instead_of_counting_the_whole_history(
    client_for, coordinator, cardiology, monkeypatch
):
    monkeypatch.setattr("referrals.views_ess.QUEUE_COUNT_CAP", 50)
    ReferralFactory.create_batch(3)
    bulk_referrals(60)
    client = client_for(coordinator)

    first = client.get("/regulation/", {"vue": "toutes"}).text
    third = client.get("/regulation/", {"vue": "toutes", "page": "3"}).text

    assert "Page 1 sur plus de 2" in first
    assert "Page 3 sur 3" in third  # asking further counts further: 63 referrals


def test_a_search_finds_a_referral_by_used_name_and_by_ins(client_for, coordinator, cardiology):
    married = ReferralFactory(patient=PatientFactory(birth_name="MARTIN", used_name="QUILLEVERE"))
    by_ins = ReferralFactory(patient=PatientFactory(ins="269054958815780"))
    other = ReferralFactory(patient=PatientFactory(birth_name="BERNARD"))
    client = client_for(coordinator)

    def search(term):  # the search box POSTs; the result page is a redirect away
        return client.post("/regulation/", {"vue": "toutes", "q": term}, follow=True).text

    by_name = search("quille")
    by_number = search("2 69 05 49 588 157 80")

    assert married.reference in by_name and other.reference not in by_name
    assert by_ins.reference in by_number and other.reference not in by_number
