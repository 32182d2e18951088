"""A care pathway in a real Chromium: the cardiologist answers a referral and opens a
heart-failure pathway under a protocol from the referral's page; the IPA works her tasks from
her worklist and records a result out of range; the cardiologist, alerted, answers in the
pathway; the GP follows it all on the referral's page."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.referral_form import take_and_answer
from tests.factories import (
    PatientFactory,
    ProtocolFactory,
    ReferralFactory,
    heart_failure_plan,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD


def test_a_heart_failure_pathway_from_the_answer_to_the_doctors_answer(
    demo_accounts, page, sign_in, sign_out
):
    gp, cardiologist = demo_accounts["medecin"], demo_accounts["cardiologue"]
    ipa = demo_accounts["ipa"]  # an IPA (paramedic), Léa Moreau
    protocol = ProtocolFactory(
        convention__title="Protocole IC : suivi après hospitalisation",
        delegating_doctors=[cardiologist],
        delegates=[ipa],
    )
    heart_failure_plan(protocol)
    referral = ReferralFactory(
        triaged=True,
        requester=gp,
        requester_organisation=gp.organisation,
        offered_to=cardiologist,
        offered_to_pool=False,
        patient=PatientFactory(birth_name="GARNIER", first_names="JEANNE"),
        question="Décompensation cardiaque récente, sortie d'hospitalisation : suivi ?",
    )

    # The cardiologist answers, then opens the pathway from the referral's page.
    sign_in("cardiologue@demo.example.org", PASSWORD)
    take_and_answer(
        page, referral.reference, "Insuffisance cardiaque : suivi IPA selon protocole IC."
    )
    page.goto(f"{page.base_url}/demandes/{referral.public_id}/")
    section = page.get_by_role("region", name="Parcours de soins")
    section.get_by_role("link", name="Ouvrir un parcours").click()
    page.get_by_label("Intitulé du parcours").fill("Suivi IPA insuffisance cardiaque")
    page.get_by_label("Protocole").select_option(label="Protocole IC : suivi après hospitalisation")
    page.get_by_label("Professionnel délégué (IPA, IDE)").select_option(label="Léa Moreau")
    # Discharged a week ago: the D7 call is due today.
    started = timezone.localdate() - timedelta(days=7)
    page.get_by_label("Début du parcours (J0)").fill(started.isoformat())
    page.follow(page.get_by_role("button", name="Ouvrir le parcours"))
    expect(page.get_by_text("Parcours ouvert.")).to_be_visible()
    expect(page.get_by_role("heading", name="Suivi IPA insuffisance cardiaque")).to_be_visible()
    tasks = page.get_by_role("region", name="Tâches déléguées")
    expect(tasks.get_by_role("link", name="Appel de suivi J7")).to_be_visible()
    expect(tasks.get_by_role("row")).to_have_count(5)  # a header and the plan's four tasks
    sign_out()

    # The IPA finds the call in her worklist and records a result out of range.
    sign_in("ipa@demo.example.org", PASSWORD)
    expect(page.get_by_text("Le suivi des patients qui vous est délégué")).to_be_visible()
    page.get_by_role("link", name="Mes tâches").first.click()
    today = page.get_by_role("region", name=re.compile("Aujourd'hui"))
    today.get_by_role("link", name="Appel de suivi J7").click()
    page.get_by_role("textbox", name=re.compile("^Résultat")).fill(
        "Poids +3 kg en 3 jours, œdèmes des chevilles."
    )
    page.get_by_label("Hors des valeurs attendues : alerter le médecin").check()
    page.follow(page.get_by_role("button", name="Enregistrer le résultat"))
    expect(page.get_by_text("Résultat enregistré.")).to_be_visible()
    expect(page.get_by_text("le médecin a été alerté")).to_be_visible()
    sign_out()

    # The cardiologist is alerted and answers in the pathway.
    sign_in("cardiologue@demo.example.org", PASSWORD)
    page.goto(f"{page.base_url}/notifications/")
    alert = page.get_by_role("listitem").filter(has_text="Résultat hors des valeurs attendues")
    expect(alert.get_by_text("urgent")).to_be_visible()
    page.follow(alert.get_by_role("button", name="Ouvrir"))
    expect(page.get_by_text("Poids +3 kg en 3 jours")).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Votre réponse")).fill(
        "Furosémide 40 mg pendant 3 jours, contrôle à J10."
    )
    page.follow(page.get_by_role("button", name="Envoyer la réponse"))
    expect(page.get_by_text("Réponse envoyée")).to_be_visible()
    sign_out()

    # The GP follows it all on the referral's page.
    sign_in("medecin@demo.example.org", PASSWORD)
    page.goto(f"{page.base_url}/demandes/{referral.public_id}/")
    section = page.get_by_role("region", name="Parcours de soins")
    expect(section.get_by_role("link", name="Suivi IPA insuffisance cardiaque")).to_be_visible()
    expect(section.get_by_text("Actif")).to_be_visible()
    expect(section.get_by_text(re.compile("Poids \\+3 kg en 3 jours"))).to_be_visible()
    expect(section.get_by_text(re.compile("Furosémide 40 mg"))).to_be_visible()
    expect(section.get_by_role("link", name="Ouvrir un parcours")).to_have_count(0)
