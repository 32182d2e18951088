"""A patient's name typed in a search box never reaches a URL (so neither access logs, browser
history nor the audit trail): the box POSTs, the page URL carries an opaque id."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from ess.models import AuditEvent
from tests.factories import PatientFactory, ReferralFactory, UserFactory

NAME = "Zylberstein"

PAGES = {
    "requester": reverse("referrals:list"),
    "coordinator": reverse("referrals:dashboard"),
}


@pytest.fixture(params=sorted(PAGES))
def setting(request, client_for, cardiology):
    """(signed-in client, page URL, the named patient's referral, another referral)."""
    persona = request.getfixturevalue(request.param)
    mine = {"requester": persona} if request.param == "requester" else {}
    named = ReferralFactory(patient=PatientFactory(birth_name=NAME.upper()), **mine)
    other = ReferralFactory(patient=PatientFactory(birth_name="MARTIN"), **mine)
    return client_for(persona), PAGES[request.param], named, other


def assert_no_name_anywhere(response):
    for url, _status in getattr(response, "redirect_chain", []):
        assert NAME.lower() not in url.lower()
    assert NAME.lower() not in response.wsgi_request.get_full_path().lower()
    assert_no_name_anywhere_in_the_trail()


def test_a_search_by_name_finds_the_patient_without_putting_the_name_in_the_url(setting):
    client, url, named, other = setting

    response = client.post(url, {"q": NAME.lower()[:5]}, follow=True)

    assert response.redirect_chain[0][1] == 303
    final = urlsplit(response.redirect_chain[-1][0])
    assert final.path == url
    assert set(parse_qs(final.query)) <= {"recherche", "vue", "statut"}
    assert named.reference in response.text and other.reference not in response.text
    assert 'value="zylbe"' in response.text  # the box still shows what was typed
    assert_no_name_anywhere(response)
    assert AuditEvent.objects.filter(object_label=named.reference).exists()


@pytest.mark.parametrize("typed", ["Zylberstein Yvette", "ZYLBERSTEIN Y", "zylb anne"])
def test_a_name_followed_by_first_names_finds_the_patient_as_the_lists_write_them(setting, typed):
    client, url, named, other = setting
    named.patient.first_names = "YVETTE ANNE"
    named.patient.save()
    homonym = ReferralFactory(
        patient=PatientFactory(birth_name=NAME.upper(), first_names="PAUL"),
        requester=named.requester,
    )

    response = client.post(url, {"q": typed}, follow=True)

    assert named.reference in response.text
    assert homonym.reference not in response.text and other.reference not in response.text


def test_the_opaque_url_works_again_for_reloads_and_pagination_links(setting):
    client, url, named, other = setting
    result = client.post(url, {"q": NAME}, follow=True).redirect_chain[-1][0]

    again = client.get(result)

    assert named.reference in again.text and other.reference not in again.text
    assert NAME.lower() not in again.text.split("<main", 1)[0].lower()  # not in <head>/<title>
    assert_no_name_anywhere(again)


def test_htmx_gets_the_fragment_and_the_url_to_push(setting):
    """htmx follows the 303 with its headers and pushes the final URL (the opaque one)."""
    client, url, named, other = setting
    target = "queue" if "regulation" in url else "referral-table"

    response = client.post(
        url, {"q": NAME}, follow=True, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=target
    )

    assert response.text.lstrip().startswith(f'<div id="{target}"')
    assert named.reference in response.text and other.reference not in response.text
    assert_no_name_anywhere(response)


def test_the_coordinator_queue_polls_with_the_opaque_id(client_for, coordinator, cardiology):
    ReferralFactory(patient=PatientFactory(birth_name=NAME.upper()))
    client = client_for(coordinator)

    page = client.post(reverse("referrals:dashboard"), {"q": NAME, "vue": "toutes"}, follow=True)

    polling = page.text.split('<div id="queue" hx-get="', 1)[1].split('"', 1)[0]
    assert "recherche=" in polling and "vue=toutes" in polling
    assert NAME.lower() not in polling.lower()


def test_an_old_link_with_the_name_in_the_url_is_moved_to_an_opaque_one(setting):
    client, url, named, _other = setting

    response = client.get(url, {"q": NAME, "statut": ""})

    assert response.status_code == 303
    assert NAME.lower() not in response["Location"].lower()
    assert "recherche=" in response["Location"]
    assert named.reference in client.get(response["Location"]).text


def test_the_id_means_nothing_in_another_session(setting, client_for, request, db):
    """Signed out and in again, or a link sent to a colleague: the search has expired."""
    client, url, _named, _other = setting
    result = client.post(url, {"q": NAME}, follow=True).redirect_chain[-1][0]
    persona = "coordinator" if "regulation" in url else "requester"
    colleague = client_for(UserFactory(roles=[persona]))

    response = colleague.get(result)

    assert response.status_code == 200
    assert "Cette recherche a expiré" in response.text
    assert 'value=""' in response.text.split('id="f-q"', 1)[1][:80]


def test_the_session_keeps_a_bounded_number_of_searches(client_for, requester, cardiology):
    client = client_for(requester)
    for i in range(30):
        client.post(reverse("referrals:list"), {"q": f"NOM{i}"})
    client.post(reverse("referrals:list"), {"q": "NOM29"})  # the same term: the same id

    kept = client.session["ess_private_searches"]
    assert len(kept) == 20
    assert list(kept.values())[-1] == "NOM29"
    assert "NOM0" not in kept.values()


def test_status_filter_stays_a_plain_parameter(client_for, requester, cardiology):
    client = client_for(requester)
    cancelled = ReferralFactory(requester=requester, status="cancelled")
    submitted = ReferralFactory(requester=requester)

    response = client.post(reverse("referrals:list"), {"q": "", "statut": "cancelled"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("referrals:list") + "?statut=cancelled"
    assert cancelled.reference in response.text and submitted.reference not in response.text


def test_the_api_list_has_no_name_search_and_audits_no_query_string(api_client, requester):
    """The API lists by status only; a parameter a client adds anyway is not written down."""
    ReferralFactory(requester=requester, patient=PatientFactory(birth_name=NAME.upper()))
    api_client.force_authenticate(requester)

    response = api_client.get("/api/v1/referrals/", {"q": NAME, "status": "submitted"})

    assert response.json()["count"] == 1
    assert AuditEvent.objects.get().path == "/api/v1/referrals/?status=submitted"
    assert_no_name_anywhere_in_the_trail()


def assert_no_name_anywhere_in_the_trail():
    for row in AuditEvent.objects.values():
        assert NAME.lower() not in str(row).lower(), row
