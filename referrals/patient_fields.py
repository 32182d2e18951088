"""The patient part of the new-referral form: the birth place, the GP, a known patient's
fields."""

import re

from django import forms

from ess.forms import CommuneField
from ess.selectors import commune_from_label, communes_matching
from ess.territory import countries, country_label
from ess.validators import format_phone, normalize_birth_place_code


def gp_label(user) -> str:
    """How a registered GP is offered in the "médecin traitant" field and recognised back."""
    return f"{user.display_name} (RPPS {user.rpps})" if user.rpps else user.display_name


def suggested_from(datalist_id: str) -> forms.TextInput:
    """A text field the page's <datalist> suggests values for (free text stays possible)."""
    return forms.TextInput(attrs={"list": datalist_id, "autocomplete": "off"})


def _looks_like_a_code(value: str) -> bool:
    return bool(value) and " " not in value and any(c.isdigit() for c in value)


class BirthPlaceField(CommuneField):
    """The birth commune, picked like the commune of residence; answers its INSEE code. A code
    typed as such is kept even when the commune no longer exists (merged since the birth: the
    identity keeps the code of the time), and so is a country's 99xxx code."""

    def clean(self, value):
        typed = (value or "").strip()
        if re.fullmatch(r"99\d{3}", typed):
            return typed
        if _looks_like_a_code(typed) and not communes_matching(typed):
            return normalize_birth_place_code(typed)
        commune = super().clean(value)
        return commune.code if commune else ""


def patient_initial(patient) -> dict:
    """The new-referral form's patient fields, as the patient is known."""
    code = patient.birth_place_code
    abroad = code.startswith("99")
    birth_commune = None if abroad else commune_from_label(code)
    country = dict(countries()).get(code) if abroad else None
    return {
        "ins": patient.ins,
        "birth_name": patient.birth_name,
        "first_names": patient.first_names,
        "used_name": patient.used_name,
        "sex": patient.sex,
        "birth_date": patient.birth_date,
        "birth_place_code": birth_commune.label if birth_commune else ("" if abroad else code),
        "born_abroad": abroad,
        "birth_country": (country_label(code, country) if country else code) if abroad else "",
        "commune": patient.commune.label if patient.commune else "",
        "phone": format_phone(patient.phone),
        "gp_name": patient.gp_name,
    }
