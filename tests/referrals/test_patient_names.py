"""Patients' names as the identity traits hold them — upper case, without accents or ligatures
(the national identity vigilance rules) — so that what a GP types, with or without accents,
finds them."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from ess.validators import identity_name
from referrals.models import Patient, Referral
from tests.factories import PatientFactory, ReferralFactory

URL = reverse("referrals:create")


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("Étienne", "ETIENNE"),
        ("  Lœtitia   Hélène ", "LOETITIA HELENE"),
        ("d'Aubigné-Müller", "D'AUBIGNE-MULLER"),
        ("", ""),
    ],
)
def test_a_name_is_kept_in_capitals_without_accents_or_ligatures(typed, kept):
    assert identity_name(typed) == kept


def test_a_referral_keeps_the_names_so_and_a_search_finds_them_with_or_without_accents(
    client_for, requester, form_data
):
    client = client_for(requester)
    client.post(URL, {**form_data, "birth_name": "Étienne", "first_names": "Zoé Anaïs"})
    referral = Referral.objects.get()
    assert (referral.patient.birth_name, referral.patient.first_names) == ("ETIENNE", "ZOE ANAIS")

    for typed in ("étienne", "etienne", "Etienne Zoé"):
        found = client.post(reverse("referrals:list"), {"q": typed}, follow=True)
        assert referral.reference in found.text, typed


def test_the_names_already_kept_with_accents_are_folded_by_the_migration(db):
    kept = ReferralFactory(
        patient=PatientFactory(birth_name="ÉTIENNE", first_names="ZOÉ", used_name="DUPRÉ")
    ).patient
    migration = importlib.import_module("referrals.migrations.0019_patient_names_without_accents")

    migration.fold_names(apps, None)

    kept = Patient.objects.get(pk=kept.pk)
    assert (kept.birth_name, kept.first_names, kept.used_name) == ("ETIENNE", "ZOE", "DUPRE")
