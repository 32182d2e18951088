"""Immediate opinions in a real Chromium: the GP asks the cardiologist on call, who calls back
and answers; and, on the real Redis with a real Celery worker, an alert nobody acknowledges
moving to the backup, then the coordination, once each."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from ess import sms
from ess.models import Notification, OutboundSms
from referrals.models import ImmediateAlert, Referral
from scheduling.models import OnCallDuty, OnCallShift
from tests.browser.referral_form import fill_patient
from tests.conftest import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def cardiology_on_call(demo_accounts):
    """Dr Dubois on call for cardiology now, Dr Benali his backup; mobiles on their profiles,
    the GP's office number on hers."""
    users = demo_accounts
    for local, phone in (
        ("medecin", "02 38 11 22 33"),
        ("cardiologue", "06 11 22 33 44"),
        ("cardiologue2", "06 55 66 77 88"),
    ):
        users[local].phone = phone
        users[local].save(update_fields=["phone"])
    now = timezone.now()
    shift = OnCallShift.objects.create(
        specialty=users["cardiologue"].specialty,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=4),
    )
    OnCallDuty.objects.create(shift=shift, specialist=users["cardiologue"], rank=1)
    OnCallDuty.objects.create(shift=shift, specialist=users["cardiologue2"], rank=2)
    return SimpleNamespace(**users)


def ask_immediate_opinion(page, question: str) -> str:
    """As the signed-in GP: the immediate-opinion form, sent; returns the reference."""
    page.get_by_role("link", name="Avis immédiat").first.click()
    expect(page.get_by_text("de garde maintenant")).to_be_visible()
    fill_patient(page)
    page.get_by_label("Question clinique").fill(question)
    expect(page.get_by_label("Numéro où vous rappeler")).to_have_value("02 38 11 22 33")
    page.get_by_label("Le patient a été informé").check()
    page.follow(page.get_by_role("button", name="Alerter le spécialiste de garde"))
    expect(page.get_by_text("Dr Antoine Dubois, de garde, a reçu l'alerte").first).to_be_visible()
    return Referral.objects.get(question=question).reference


def open_from_list(page, menu: str, reference: str) -> None:
    """From the menu's list (the inbox, the dashboard), the row flagged as an immediate opinion,
    then its page."""
    page.get_by_role("link", name=menu).first.click()  # the menu's, before the home's
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text("Avis immédiat")).to_be_visible()
    row.get_by_role("link", name=reference).click()


def test_the_gp_asks_the_cardiologist_on_call_who_calls_back_and_answers(
    cardiology_on_call, page, sign_in, sign_out
):
    sign_in("medecin@demo.example.org", PASSWORD)
    reference = ask_immediate_opinion(page, "Douleur thoracique atypique, ECG limite : avis ?")
    sign_out()

    # The cardiologist, on his phone, follows the link of the text message he just received.
    [(to, text)] = sms.sent
    assert to == "+33611223344" and reference in text and "LAMBERT" not in text
    sign_in("cardiologue@demo.example.org", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(
        re.search(r"https?://\S+", text).group(0).replace(settings.ESS_BASE_URL, page.base_url)
    )
    expect(page.get_by_text("Douleur thoracique atypique, ECG limite : avis ?")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_role("link", name="02 38 11 22 33")).to_have_attribute(
        "href", "tel:+33238112233"
    )
    page.follow(page.get_by_role("button", name="Je rappelle"))
    expect(page.get_by_text("le demandeur sait que vous le rappelez")).to_be_visible()
    page.goto(page.base_url + "/mes-dossiers/")  # his list, on the phone: nothing off-screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    sign_out()

    sign_in("medecin@demo.example.org", PASSWORD)
    page.goto(page.base_url + f"/demandes/{Referral.objects.get(reference=reference).public_id}/")
    expect(page.get_by_text("Dr Antoine Dubois vous rappelle au 02 38 11 22 33.")).to_be_visible()
    sign_out()

    sign_in("cardiologue@demo.example.org", PASSWORD)
    open_from_list(page, "Mes dossiers", reference)
    page.get_by_label("Avis / compte rendu").fill("Syndrome coronarien peu probable : troponine.")
    page.follow(page.get_by_role("button", name="Envoyer la réponse"))
    expect(page.get_by_text("Réponse enregistrée")).to_be_visible()
    sign_out()

    sign_in("medecin@demo.example.org", PASSWORD)
    page.get_by_role("link", name="Mes demandes").first.click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text("Terminée")).to_be_visible()
    row.get_by_role("link", name=reference).click()
    answer = page.get_by_role("heading", name="Réponse du spécialiste").locator("..")
    expect(answer.get_by_text("Syndrome coronarien peu probable : troponine.")).to_be_visible()
    referral = Referral.objects.get(reference=reference)
    assert referral.response_mode == "teleexpertise_sync" and referral.act.answering_code


@pytest.mark.redis
def test_nobody_acknowledges_and_the_alert_moves_to_the_backup_then_the_coordination_once_each(
    cardiology_on_call, worker, page, sign_in, sign_out, settings
):
    settings.ESS_IMMEDIATE_ESCALATION_MINUTES = 0.025  # a second and a half
    sign_in("medecin@demo.example.org", PASSWORD)
    reference = ask_immediate_opinion(page, "Syncope à l'effort chez un sportif : avis ?")
    sign_out()
    referral = Referral.objects.get(reference=reference)

    def levels():
        return list(
            ImmediateAlert.objects.filter(referral=referral)
            .order_by("level")
            .values_list("level", "recipient__email")
        )

    assert wait_until(lambda: len(levels()) == 3, timeout=40)
    time.sleep(2)  # more than one delay: nothing else may come
    on_call = cardiology_on_call
    assert levels() == [
        (1, on_call.cardiologue.email),
        (2, on_call.cardiologue2.email),
        (3, None),
    ]
    for person in (on_call.cardiologue, on_call.cardiologue2, on_call.coordination):
        assert Notification.objects.filter(recipient=person, kind="immediate").count() == 1
    assert wait_until(lambda: OutboundSms.objects.filter(sent_at__isnull=False).count() == 2)
    assert sorted(OutboundSms.objects.values_list("to", flat=True)) == [
        "+33611223344",
        "+33655667788",
    ]

    sign_in("coordination@demo.example.org", PASSWORD)
    open_from_list(page, "Régulation", reference)
    alerts = page.get_by_role("heading", name="Alertes envoyées").locator("..")
    expect(alerts.get_by_text("Dr Antoine Dubois")).to_be_visible()
    expect(alerts.get_by_text("Dr Nadia Benali")).to_be_visible()
    expect(alerts.get_by_text("la coordination")).to_be_visible()
