"""'Mes demandes': what the requester must do comes first, the question is shown, and on a phone
each referral is a card."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr(?: class=\"needs-you\")?>.*?</tr>", page, flags=re.S)[1:]


def test_referrals_waiting_for_the_requester_come_first(client_for, requester):
    now = timezone.now()
    old_question = ReferralFactory(
        requester=requester, status="info_requested", submitted_at=now - timedelta(days=20)
    )
    recent = ReferralFactory(requester=requester, submitted_at=now - timedelta(hours=1))
    older = ReferralFactory(requester=requester, submitted_at=now - timedelta(days=3))

    page = client_for(requester).get(reverse("referrals:list")).text

    rows = _rows(page)
    assert [r for ref in (old_question, recent, older) for r in rows if ref.reference in r] == rows
    assert rows[0].startswith('<tr class="needs-you">') and "À compléter" in rows[0]
    assert 'class="needs-you"' not in rows[1]


def test_the_question_is_shown_shortened(client_for, requester):
    ReferralFactory(requester=requester, question="Souffle systolique " + "très long " * 30)

    page = client_for(requester).get(reverse("referrals:list")).text

    assert "Souffle systolique très long" in page
    assert ("très long " * 30) not in page
    assert "…" in page


def test_rows_become_labelled_cards_on_a_phone(client_for, requester):
    ReferralFactory(requester=requester)

    page = client_for(requester).get(reverse("referrals:list")).text

    assert 'class="table align-middle table-cards"' in page
    for label in ("Référence", "Patient", "Question", "Statut", "Échéance"):
        assert f'data-label="{label}"' in page


def test_another_requester_s_referrals_never_appear(client_for, requester, other_requester):
    theirs = ReferralFactory(
        requester=other_requester, status="info_requested", question="Bilan de syncope ?"
    )
    ReferralFactory(requester=requester)

    page = client_for(requester).get(reverse("referrals:list")).text

    assert theirs.reference not in page
    assert "Bilan de syncope" not in page
    assert "À compléter</span>" not in page


def test_filtering_keeps_the_order(client_for, requester):
    ReferralFactory(requester=requester, status="info_requested")
    ReferralFactory(requester=requester)

    page = client_for(requester).get(reverse("referrals:list") + "?statut=submitted").text

    assert len(_rows(page)) == 1 and 'class="needs-you"' not in page


def test_every_page_follows_on_from_the_last_what_waits_first_and_each_referral_once(
    client_for, requester
):
    now = timezone.now()

    def sent(days, **kwargs):
        return ReferralFactory(submitted_at=now - timedelta(days=days), **kwargs)

    waiting = [
        sent(30, requester=requester, status="info_requested"),
        sent(40, referring_gp=requester, status="info_requested"),
    ]
    others = [
        sent(1, requester=requester),
        sent(2, requester=requester, referring_gp=requester),  # in both branches
        sent(3, referring_gp=requester),
        *[sent(4 + i, requester=requester) for i in range(20)],
    ]
    sent(0, status="info_requested")  # someone else's

    client = client_for(requester)
    shown = []
    for number in (1, 2):
        page = client.get(reverse("referrals:list"), {"page": number}).text
        shown += [ref for r in _rows(page) for ref in re.findall(r"ESS-\d{4}-\d{6}", r)[:1]]

    assert shown == [r.reference for r in waiting + others]
