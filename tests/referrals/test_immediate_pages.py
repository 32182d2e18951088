"""The immediate-opinion pages: the requester's form (open or closed), the specialist's answer
to the alert, what each side reads on the referral page, the coordinator's dashboard."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Referral, Status
from tests.factories import UserFactory
from tests.referrals.conftest import immediate_input

URL = reverse("referrals:immediate")


@pytest.fixture
def immediate_form(form_data):
    data = {
        k: v
        for k, v in form_data.items()
        if k not in ("context", "urgency", "preferred_response", "callback_availability")
    }
    return {**data, "callback_phone": "06 98 76 54 32"}


def page(client, referral) -> str:
    return unescape(client.get(reverse("referrals:detail", args=[referral.public_id])).text)


def test_the_form_offers_the_specialties_on_call_and_the_requesters_number(
    client_for, on_call, django_assert_max_num_queries
):
    requester = UserFactory(requester=True, phone="02 38 00 00 01")
    client = client_for(requester)
    with django_assert_max_num_queries(25):
        response = client.get(URL)

    text = unescape(response.text)
    assert response.status_code == 200
    assert f'{on_call.specialty.label} : <strong class="text-success">de garde maintenant' in text
    assert 'value="02 38 00 00 01"' in text
    assert 'name="callback_phone"' in text and 'inputmode="tel"' in text
    assert 'name="urgency"' not in text and 'name="files"' not in text


def test_outside_on_call_hours_the_page_says_when_it_opens_and_offers_the_ordinary_form(
    client_for, requester, on_call
):
    opens = timezone.now() + timedelta(days=2)
    on_call.shift.starts_at, on_call.shift.ends_at = opens, opens + timedelta(hours=4)
    on_call.shift.save()

    text = unescape(client_for(requester).get(URL).text)

    local = timezone.localtime(opens)
    assert "Aucun spécialiste n'est de garde en ce moment" in text
    assert "prochaine garde le " in text and f"{local:%d/%m/%Y} à {local:%H:%M}" in text
    assert reverse("referrals:create") in text
    assert 'name="callback_phone"' not in text


def test_the_requester_asks_and_reads_that_the_specialist_is_alerted(
    client_for, requester, on_call, immediate_form
):
    client = client_for(requester)
    response = client.post(URL, immediate_form)

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.public_id])
    assert referral.immediate and referral.offered_to == on_call.first
    text = page(client, referral)  # the message flashed, then the panel
    # Words that agree with anyone on call, woman or man (accounts hold no sex).
    who = on_call.first.display_name
    assert f"{who}, de garde, a reçu l'alerte et vous rappelle au 06 98 76 54 32." in text
    assert (
        f"{who}, de garde, a reçu l'alerte et vous rappelle au 06 98 76 54 32 dans les minutes"
        in text
    )
    assert "la personne suppléante puis la coordination sont alertées" in text
    assert "est alerté" not in text and "il vous rappelle" not in text


def test_a_form_sent_twice_makes_one_request(client_for, requester, on_call, immediate_form):
    client = client_for(requester)
    client.post(URL, immediate_form)
    response = client.post(URL, immediate_form)

    assert response.status_code == 302
    assert Referral.objects.count() == 1


def test_a_wrong_callback_number_is_refused_and_nothing_is_written(
    client_for, requester, on_call, immediate_form
):
    response = client_for(requester).post(URL, {**immediate_form, "callback_phone": "12"})

    assert response.status_code == 200
    assert "Numéro de téléphone invalide" in unescape(response.text)
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["specialist", "coordinator", "manager", "authority"])
def test_only_requesters_open_the_page(client_for, on_call, persona, request):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, on_call):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def ask(requester, on_call):
    referral, _ = services.immediate_submit(
        by=requester,
        data=immediate_input(on_call.specialty),
        callback_phone="06 98 76 54 32",
    )
    return referral


def test_the_specialist_calls_back_and_the_requester_reads_who_calls(
    client_for, requester, on_call
):
    referral = ask(requester, on_call)
    client = client_for(on_call.first)
    text = page(client, referral)
    assert 'href="tel:+33698765432"' in text and "Je rappelle" in text
    assert "Prendre en charge" not in text  # the answer to the alert takes it

    response = client.post(reverse("referrals:immediate_callback", args=[referral.public_id]))

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.specialist) == (Status.ACCEPTED, on_call.first)
    assert f"{on_call.first.display_name} vous rappelle au 06 98 76 54 32" in page(
        client_for(requester), referral
    )


def test_the_video_room_is_shown_to_both(client_for, requester, on_call, settings):
    settings.ESS_VIDEO_BASE_URL = "https://visio.example.org"
    referral = ask(requester, on_call)
    client = client_for(on_call.first)

    client.post(reverse("referrals:immediate_video", args=[referral.public_id]))

    room = Referral.objects.get(pk=referral.pk).immediate_request.video_url
    assert room.startswith("https://visio.example.org/ess-")
    assert room in page(client, referral)
    assert room in page(client_for(requester), referral)


def test_a_specialist_not_alerted_gets_404(client_for, requester, on_call):
    referral = ask(requester, on_call)
    stranger = UserFactory(specialist=True)

    response = client_for(stranger).post(
        reverse("referrals:immediate_callback", args=[referral.public_id])
    )

    assert response.status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == Status.TRIAGED


def test_the_first_on_call_answering_after_the_backup_took_it_is_told_so(
    client_for, requester, on_call
):
    referral = ask(requester, on_call)
    services.immediate_escalate(referral_id=referral.pk, now=timezone.now() + timedelta(minutes=11))
    services.immediate_acknowledge(referral_id=referral.pk, by=on_call.backup)
    client = client_for(on_call.first)

    response = client.post(
        reverse("referrals:immediate_callback", args=[referral.public_id]), follow=True
    )

    assert "déjà été prise en charge par un confrère" in unescape(response.text)


def test_the_inbox_puts_immediate_opinions_first_with_their_answer(
    client_for, requester, on_call, django_assert_max_num_queries
):
    referral = ask(requester, on_call)
    services.immediate_escalate(referral_id=referral.pk, now=timezone.now() + timedelta(minutes=11))
    client = client_for(on_call.backup)
    with django_assert_max_num_queries(20):
        text = unescape(client.get(reverse("referrals:inbox")).text)

    assert referral.reference in text and "à vous, de garde" in text
    assert reverse("referrals:immediate_callback", args=[referral.public_id]) in text


def test_the_coordinator_sees_it_flagged_with_the_alerts_sent(
    client_for, requester, coordinator, on_call
):
    referral = ask(requester, on_call)
    services.immediate_escalate(referral_id=referral.pk, now=timezone.now() + timedelta(minutes=11))
    client = client_for(coordinator)

    queue = unescape(client.get(reverse("referrals:dashboard")).text)
    assert referral.reference in queue and "Avis immédiat" in queue
    text = page(client, referral)
    assert "Alertes envoyées" in text and on_call.backup.display_name in text


def test_the_dashboard_and_the_inbox_read_the_same_queries_whatever_the_immediate_opinions(
    client_for, requester, coordinator, on_call, django_assert_max_num_queries
):
    ask(requester, on_call)
    counts = {}
    for user, url in ((coordinator, "referrals:dashboard"), (on_call.first, "referrals:inbox")):
        client = client_for(user)
        with django_assert_max_num_queries(40) as one:
            client.get(reverse(url))
        counts[url] = len(one.captured_queries)
    for _ in range(3):
        ask(requester, on_call)
    for user, url in ((coordinator, "referrals:dashboard"), (on_call.first, "referrals:inbox")):
        client = client_for(user)
        with django_assert_max_num_queries(counts[url]):
            client.get(reverse(url))


def test_the_history_says_the_platform_triaged_it_not_the_requester(
    client_for, requester, on_call, immediate_form
):
    client = client_for(requester)
    client.post(URL, immediate_form)
    referral = Referral.objects.get()

    text = page(client, referral)

    rows = [row for row in text.split("<li") if "passée à" in row]
    sent = next(row for row in rows if "« Reçue »" in row)
    triaged = next(row for row in rows if "« Régulée »" in row)
    assert requester.display_name in sent
    assert requester.display_name not in triaged
    assert "Avis immédiat : régulation automatique" in triaged
    assert on_call.first.display_name in triaged


def test_my_cases_gives_the_number_to_call_back_beside_je_rappelle(client_for, requester, on_call):
    referral = ask(requester, on_call)
    client = client_for(on_call.first)

    text = unescape(client.get(reverse("referrals:inbox")).text)

    row = next(row for row in text.split("<tr") if referral.reference in row)
    assert 'href="tel:+33698765432"' in row and ">06 98 76 54 32</a>" in row
    assert "Je rappelle" in row
    # Taken by calling back: the number stays on its row among the cases held.
    client.post(reverse("referrals:immediate_callback", args=[referral.public_id]))
    text = unescape(client.get(reverse("referrals:inbox")).text)
    row = next(row for row in text.split("<tr") if referral.reference in row)
    assert 'href="tel:+33698765432"' in row
