"""The patient's identity is checked the same way on the web form and on the API: birth date,
birth place, phone number, text length, and the NIR/INS against the traits it encodes."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Patient, Referral
from tests.factories import valid_nir

WEB = reverse("referrals:create")
API = "/api/v1/referrals/"

# A woman born in May 1969 in Orléans (45234), and variants of her NIR.
WOMAN_MAY_1969 = valid_nir("2690545234123")


@pytest.fixture(params=["web", "api"])
def submit(request, client_for, api_client, requester, form_data, api_body):
    """Send one referral through the web form or the API with some fields changed; return
    (accepted, {field: messages})."""
    channel = request.param

    def _submit(**changes):
        if channel == "web":
            data = {**form_data, "ins": WOMAN_MAY_1969, **changes}
            response = client_for(requester).post(WEB, data)
            if response.status_code == 302:
                return True, {}
            errors = response.context["form"].errors
            return False, {field: " ".join(messages) for field, messages in errors.items()}
        api_client.force_authenticate(requester)
        patient_fields = set(api_body["patient"]) | {"birth_place_code"}
        patient = {**api_body["patient"], "ins": WOMAN_MAY_1969}
        body = {**api_body}
        for field, value in changes.items():
            if field in patient_fields:
                patient[field] = value
            else:
                body[field] = value
        body["patient"] = patient
        response = api_client.post(API, body, format="json")
        if response.status_code == 201:
            return True, {}
        assert response.status_code == 400, response.content
        errors = response.json()
        flat = {k: " ".join(v) for k, v in errors.pop("patient", {}).items()}
        flat.update({k: " ".join(v) for k, v in errors.items()})
        return False, flat

    return _submit


def refused(submit, field, message, **changes):
    accepted, errors = submit(**changes)
    assert not accepted
    assert message in errors.get(field, ""), errors
    assert (Referral.objects.count(), Patient.objects.count()) == (0, 0)


def test_the_reference_submission_is_accepted(submit):
    accepted, errors = submit()

    assert accepted, errors
    assert Patient.objects.get().ins == WOMAN_MAY_1969


# ---------------------------------------------------------------------------------------------
# Birth date, birth place, text length
# ---------------------------------------------------------------------------------------------
def test_a_birth_date_in_the_future_is_refused(submit):
    refused(
        submit,
        "birth_date",
        "ne peut pas être dans le futur",
        ins="",
        birth_place_code="45234",
        birth_date="2099-01-01",
    )


def test_a_birth_date_more_than_125_years_ago_is_refused(submit):
    refused(
        submit,
        "birth_date",
        "plus de 125 ans",
        ins="",
        birth_place_code="45234",
        birth_date="1800-01-01",
    )


def test_a_birth_today_and_one_125_years_ago_are_accepted(submit):
    today = timezone.localdate()
    oldest = date(today.year - 125, today.month, min(today.day, 28))
    assert submit(ins="", birth_place_code="45234", birth_date=today.isoformat())[0]
    accepted, errors = submit(
        ins="",
        birth_place_code="45234",
        birth_date=oldest.isoformat(),
        question="Une autre question",
        submission_key="b" * 32,
    )
    assert accepted, errors


@pytest.mark.parametrize("code", ["ZZ999", "00123", "4523", "96123"])
def test_an_unknown_birth_place_code_is_refused(submit, code):
    refused(
        submit,
        "birth_place_code",
        "Code INSEE de lieu de naissance invalide",
        ins="",
        birth_place_code=code,
    )


@pytest.mark.parametrize("field", ["question", "context"])
def test_question_and_context_are_capped_at_10000_characters(submit, field):
    refused(submit, field, "10\u202f000 caractères au plus (10001 saisis)", **{field: "a" * 10_001})


def test_10000_characters_are_accepted(submit):
    accepted, errors = submit(question="a" * 10_000, context="b" * 10_000)

    assert accepted, errors


# ---------------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033 2 38 30 12 64", "+33238301264"),
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe, dialled as a national number
        ("0262 12 34 56", "+262262123456"),  # La Réunion
        ("+41 21 234 56 78", "+41212345678"),  # Lausanne
    ],
)
def test_phone_numbers_are_stored_in_e164(submit, typed, stored):
    accepted, errors = submit(phone=typed)

    assert accepted, errors
    assert Patient.objects.get().phone == stored


@pytest.mark.parametrize("typed", ["12", "06 12 34", "appeler la fille", "+99 123"])
def test_an_invalid_phone_number_is_refused(submit, typed):
    refused(submit, "phone", "Numéro de téléphone invalide", phone=typed)


def test_the_referral_page_shows_the_number_as_people_read_it(client_for, requester, form_data):
    client = client_for(requester)
    client.post(WEB, {**form_data, "phone": "+33612345678"})

    page = client.get(reverse("referrals:detail", args=[Referral.objects.get().public_id]))

    assert "06 12 34 56 78" in page.text


# ---------------------------------------------------------------------------------------------
# NIR/INS against the traits it encodes
# ---------------------------------------------------------------------------------------------
def test_the_sex_digit_must_match_the_sex(submit):
    refused(
        submit,
        "sex",
        "1er chiffre (2) désigne le sexe féminin, le sexe saisi est masculin",
        sex="M",
    )


def test_the_birth_year_must_match(submit):
    refused(
        submit,
        "birth_date",
        "L'année de naissance ne correspond pas au NIR/INS : ses 2e et 3e chiffres (69)",
        birth_date="1970-05-12",
    )


def test_the_birth_month_must_match(submit):
    refused(
        submit,
        "birth_date",
        "Le mois de naissance ne correspond pas au NIR/INS : ses 4e et 5e chiffres (05)",
        birth_date="1969-06-12",
    )


def test_a_century_apart_is_not_told_apart_by_the_nir(submit):
    """The NIR holds two digits of the year: 1869 and 1969 read the same (and 1869 is too old)."""
    accepted, errors = submit(birth_date="1969-05-01")

    assert accepted, errors


@pytest.mark.parametrize("month_code", ["20", "30", "42", "50", "63", "99"])
def test_special_month_codes_accept_any_birth_month(submit, month_code):
    """20, 30-42, 50 and more: unknown or reconstructed month; 99: unknown."""
    nir = valid_nir(f"269{month_code}45234123")

    accepted, errors = submit(ins=nir, birth_date="1969-11-03")

    assert accepted, errors


def test_a_person_born_abroad_has_a_country_code_as_birth_place(submit):
    born_in_spain = valid_nir("2690599134123")

    refused(
        submit,
        "birth_place_code",
        "naissance à l'étranger (99 en 6e et 7e chiffres)",
        ins=born_in_spain,
        birth_place_code="45234",
    )
    accepted, errors = submit(ins=born_in_spain, birth_place_code="99134")
    assert accepted, errors


def test_born_in_algeria_before_1962_has_a_departement_code_in_the_nir(submit):
    """The NIR of a person born in French Algeria holds 91-94, the birth place the country."""
    nir = valid_nir("1520591352123")

    accepted, errors = submit(ins=nir, sex="M", birth_date="1952-05-04", birth_place_code="99352")

    assert accepted, errors


@pytest.mark.parametrize(
    ("first", "sex", "ok"), [("8", "F", True), ("7", "M", True), ("7", "F", False)]
)
def test_a_nia_encodes_sex_with_7_and_8(submit, first, sex, ok):
    nia = valid_nir(f"{first}690545234123")

    accepted, errors = submit(ins=nia, sex=sex)

    assert accepted is ok, errors
    if not ok:
        assert "1er chiffre (7) désigne le sexe masculin" in errors["sex"]


def test_several_disagreeing_traits_are_all_reported(submit):
    accepted, errors = submit(sex="M", birth_date="1971-01-01")

    assert not accepted
    assert "sexe féminin" in errors["sex"]
    assert "année de naissance" in errors["birth_date"]
    assert "mois de naissance" in errors["birth_date"]


# ---------------------------------------------------------------------------------------------
# The service checks the same rules for any other caller
# ---------------------------------------------------------------------------------------------
def test_the_service_refuses_what_the_form_and_api_refuse(requester, cardiology):
    data = services.ReferralInput(
        patient=services.PatientInput(
            ins=WOMAN_MAY_1969,
            birth_name="Durand",
            first_names="Jeanne",
            sex="M",
            birth_date=timezone.localdate() + timedelta(days=1),
            phone="12",
        ),
        specialty=cardiology,
        question="x" * 10_001,
        urgency="P3",
        consent=True,
    )

    with pytest.raises(ValidationError) as raised:
        services.referral_submit(by=requester, data=data)

    assert set(raised.value.message_dict) == {"birth_date", "phone", "question"}
    assert not Referral.objects.exists()
