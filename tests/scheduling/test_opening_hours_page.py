"""The managers' page of opening hours and closures, and what the public front page shows of
them."""

import re
from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scheduling.hours import PARIS
from scheduling.models import Closure, OpeningRange
from tests.factories import opening_week

URL = reverse("scheduling:opening_hours")
ADD_RANGE = reverse("scheduling:opening_range_add")
ADD_CLOSURE = reverse("scheduling:closure_add")


def text(response) -> str:
    return unescape(response.content.decode())


def add_range(client, weekday="0", opens="08:30", closes="12:30"):
    return client.post(
        ADD_RANGE,
        {"range-weekday": weekday, "range-opens_at": opens, "range-closes_at": closes},
        follow=True,
    )


@pytest.mark.parametrize(
    "persona", ["requester", "coordinator", "specialist", "paramedic", "authority"]
)
def test_only_managers_edit_the_hours(request, client_for, persona, cardiology):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403
    assert add_range(client).status_code == 403
    assert not OpeningRange.objects.exists()


def test_the_signed_out_are_sent_to_sign_in(client, cardiology):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_a_manager_sets_the_week_and_removes_a_range(client_for, manager, cardiology):
    client = client_for(manager)
    for weekday in ("0", "1"):
        add_range(client, weekday)
        add_range(client, weekday, "13:30", "18:30")

    page = text(client.get(URL))

    assert OpeningRange.objects.count() == 4
    assert "08:30–12:30" in page and "13:30–18:30" in page
    assert "Fermé" in page  # the other days
    monday_morning = OpeningRange.objects.get(weekday=0, opens_at=time(8, 30))
    client.post(reverse("scheduling:opening_range_delete", args=[monday_morning.public_id]))
    assert OpeningRange.objects.count() == 3


def test_a_range_sent_twice_is_one_range(client_for, manager, cardiology):
    client = client_for(manager)
    add_range(client)
    add_range(client)

    assert OpeningRange.objects.count() == 1


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        ("12:00", "09:00", "L'heure de fermeture doit suivre l'ouverture."),
        ("12:00", "14:00", "Cette plage chevauche celle de lundi 08:30–12:30, déjà saisie."),
    ],
)
def test_a_wrong_range_is_refused_with_a_precise_message(
    client_for, manager, cardiology, opens, closes, message
):
    client = client_for(manager)
    add_range(client)

    page = text(add_range(client, "0", opens, closes))

    assert message in page
    assert OpeningRange.objects.count() == 1


def test_a_manager_records_and_removes_a_closure(client_for, manager, cardiology):
    client = client_for(manager)
    start = timezone.localdate() + timedelta(days=30)
    data = {
        "closure-starts_on": start.isoformat(),
        "closure-ends_on": (start + timedelta(days=11)).isoformat(),
        "closure-reason": "Fermeture estivale",
    }
    client.post(ADD_CLOSURE, data)
    client.post(ADD_CLOSURE, data)  # sent twice

    closure = Closure.objects.get()
    assert "Fermeture estivale" in text(client.get(URL))
    client.post(reverse("scheduling:closure_delete", args=[closure.public_id]))
    assert not Closure.objects.exists()


@pytest.mark.parametrize(
    ("starts", "ends", "reason", "message"),
    [
        ("2031-08-10", "2031-08-01", "Été", "La fin de la fermeture doit suivre son début."),
        ("2031-08-01", "2031-08-10", "  ", "Indiquez le motif de la fermeture."),
        ("2031-01-01", "2032-06-01", "Été", "Une fermeture dure au plus un an."),
    ],
)
def test_a_wrong_closure_is_refused(client_for, manager, cardiology, starts, ends, reason, message):
    page = text(
        client_for(manager).post(
            ADD_CLOSURE,
            {"closure-starts_on": starts, "closure-ends_on": ends, "closure-reason": reason},
            follow=True,
        )
    )
    assert message in page or "Motif" in page
    assert not Closure.objects.exists()


def test_the_menu_and_the_organisation_page_lead_managers_there(client_for, manager, cardiology):
    page = text(client_for(manager).get(reverse("members:organisation")))

    assert page.count(URL) >= 2  # the menu's entry and the page's link


# ---------------------------------------------------------------------------------------------
# The public front page
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def week(manager, cardiology):
    opening_week(manager, closure=(date(2026, 8, 3), date(2026, 8, 14), "Été"))


def test_the_front_page_shows_the_hours_the_closures_and_the_next_holiday(client, week):
    with time_machine.travel(datetime(2026, 7, 10, 19, 0, tzinfo=PARIS), tick=False):
        page = re.sub(r"<[^>]+>", "", text(client.get("/")))

    assert "Lundi – vendredi : 08:30–12:30, 13:30–18:30" in page
    assert "Fermé ; réouverture le lundi 13/07/2026 à 08:30." in page
    assert "Du 03/08/2026 au 14/08/2026 — Été" in page
    assert "Prochain jour férié : Fête nationale, mardi 14/07/2026." in page


def test_the_front_page_says_when_it_is_open(client, week):
    with time_machine.travel(datetime(2026, 7, 10, 10, 0, tzinfo=PARIS), tick=False):
        page = text(client.get("/"))

    assert "Ouvert maintenant" in page


def test_a_delay_counted_in_opening_hours_says_so(client, week, settings):
    settings.ESS_PRIORITY_DELAY_RULES = {**settings.ESS_PRIORITY_DELAY_RULES, "P3": "opening"}
    settings.ESS_PRIORITY_DELAYS_HOURS = {**settings.ESS_PRIORITY_DELAYS_HOURS, "P3": 45}

    page = text(client.get("/"))

    assert '45 heures <span class="small text-body-secondary">d\'ouverture</span>' in page
