"""The demo's patients: strict identity traits, home commune, INS for most, and the clinical
values their case texts are filled with."""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from ess.models import Commune
from ess.validators import validate_nir
from members.models import User
from referrals.demo.data import People
from referrals.models import Patient, Sex
from referrals.services import PatientInput


class Patients:
    """Patients of the two demo practices, as a GP would type them into the referral form."""

    def __init__(self, rng: random.Random, data: People, *, ins_share: float):
        self.rng = rng
        self.data = data
        self.ins_share = ins_share
        self.taken_ins = set(Patient.objects.exclude(ins="").values_list("ins", flat=True))
        communes = {c.code: c for c in Commune.objects.filter(departement_id="45")}
        self.loiret = list(communes.values())
        self.homes = {
            gp: [communes[code] for code in codes if code in communes]
            for gp, codes in data.homes.items()
        }
        self.by_gp: dict[str, list[PatientInput]] = {gp: [] for gp in data.homes}
        self.visits: dict[int, list[datetime]] = {}

    def new(self, gp: User, gp_key: str, age: int, at: datetime) -> PatientInput:
        rng = self.rng
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        birth_date = timezone.localdate(at) - timedelta(days=age * 365 + rng.randint(15, 350))
        birth_name = rng.choice(self.data.surnames)
        has_ins = rng.random() < self.ins_share
        birth_place = self._birth_place(born_in_loiret=has_ins)
        patient = PatientInput(
            birth_name=birth_name.upper(),
            first_names=self._first_names(sex, birth_date.year).upper(),
            sex=sex,
            birth_date=birth_date,
            birth_place_code=birth_place,
            used_name=self._used_name(sex, age, birth_name).upper(),
            phone=self._phone(),
            commune=self._home(gp_key),
            gp_name=gp.display_name,
        )
        if has_ins:
            patient.ins = self._ins(sex, birth_date, birth_place)
        self.by_gp[gp_key].append(patient)
        self.visits[id(patient)] = [at]
        return patient

    def returning(self, gp_key: str, at: datetime) -> PatientInput | None:
        """Someone this practice already referred (at least three weeks ago, fewer than three
        times), now with a new question."""
        candidates = [
            p
            for p in self.by_gp[gp_key]
            if len(self.visits[id(p)]) < 3 and self.visits[id(p)][-1] < at - timedelta(days=21)
        ]
        if not candidates:
            return None
        patient = self.rng.choice(candidates)
        self.visits[id(patient)].append(at)
        return patient

    def _first_names(self, sex: str, year: int) -> str:
        names = next(
            group.names
            for group in self.data.first_names
            if group.sex == sex and year < group.born_before
        )
        count = self.rng.choices((1, 2, 3), weights=(3, 5, 2))[0]
        return " ".join(self.rng.sample(names, count))

    def _used_name(self, sex: str, age: int, birth_name: str) -> str:
        if sex != Sex.FEMALE or age < 30 or self.rng.random() < 0.45:
            return ""
        return self.rng.choice([name for name in self.data.surnames if name != birth_name])

    def _phone(self) -> str:
        """Numbers from a range ARCEP reserves for fiction (its mobile one, 06 39 98, is not
        a valid number for the referral form)."""
        if self.rng.random() < 0.1:
            return ""
        return f"02 61 91 {self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d}"

    def _home(self, gp_key: str) -> Commune | None:
        pool = self.homes[gp_key] if self.rng.random() < 0.88 else self.loiret
        pool = pool or self.loiret
        if not pool:
            return None
        return self.rng.choices(pool, weights=[c.population or 100 for c in pool])[0]

    def _birth_place(self, *, born_in_loiret: bool) -> str:
        if not born_in_loiret and self.rng.random() < 0.5:
            return self.rng.choice(self.data.other_birthplaces)
        if self.loiret and self.rng.random() < 0.3:
            return self.rng.choice(self.loiret).code
        return self.rng.choice(self.data.loiret_birthplaces)

    def _ins(self, sex: str, birth_date: date, birth_place: str) -> str:
        """A fictitious NIR with a valid key: sex, year and month, place of birth, order."""
        sex_digit = "1" if sex == Sex.MALE else "2"
        while True:
            body = f"{sex_digit}{birth_date:%y%m}{birth_place}{self.rng.randint(1, 999):03d}"
            nir = f"{body}{97 - int(body) % 97:02d}"
            if nir not in self.taken_ins:
                validate_nir(nir)
                self.taken_ins.add(nir)
                return nir


def age_at(birth_date: date, at: datetime) -> int:
    day = timezone.localdate(at)
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _decimal(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def clinical_values(
    rng: random.Random, patient: PatientInput, at: datetime, surgeries: tuple[str, ...]
) -> dict:
    """What the case templates need about this patient, consistent with one another (the keys
    are data.PLACEHOLDERS)."""
    age = age_at(patient.birth_date, at)
    female = patient.sex == Sex.FEMALE
    weight = rng.randint(55, 85) if female else rng.randint(66, 98)
    creatinine = rng.randint(58, 92) if female else rng.randint(68, 112)
    creatinine += 15 if age >= 80 else 0
    clearance = round((140 - age) * weight * (1.04 if female else 1.23) / creatinine)
    return {
        "Patient": "Patiente" if female else "Patient",
        "patient": "la patiente" if female else "le patient",
        "au_patient": "à la patiente" if female else "au patient",
        "e": "e" if female else "",
        "age": age,
        "poids": weight,
        "creat": creatinine,
        "clairance": clearance,
        "cha2ds2va": 1 + (2 if age >= 75 else 1 if age >= 65 else 0),
        "fc": rng.randint(62, 86),
        "fc_fa": rng.randint(88, 118),
        "fc_rapide": rng.randint(132, 158),
        "fc_basse": rng.randint(42, 49),
        "ta": f"{rng.randint(124, 148)}/{rng.randint(72, 88)}",
        "ta_haute": f"{rng.randint(156, 178)}/{rng.randint(92, 104)}",
        "ta_auto": f"{rng.randint(142, 158)}/{rng.randint(88, 96)}",
        "bnp": rng.randrange(850, 2600, 10),
        "ldl": _decimal(rng.uniform(1.3, 1.9), 2),
        "ldl_haut": _decimal(rng.uniform(0.95, 1.4), 2),
        "k": _decimal(rng.uniform(3.3, 3.7), 1),
        "k_normal": _decimal(rng.uniform(4.0, 4.8), 1),
        "hb": _decimal(rng.uniform(11.8, 15.2), 1),
        "imc": _decimal(rng.uniform(29, 36), 1),
        "fevg": rng.randint(55, 66),
        "fevg_basse": rng.choice((30, 35, 35, 40)),
        "prise_poids": rng.randint(2, 5),
        "paquets": rng.choice((20, 25, 30, 40)),
        "chirurgie": rng.choice(surgeries),
        "annee_stent": timezone.localdate(at).year - rng.randint(2, 9),
        "date_bilan": f"{timezone.localdate(at) - timedelta(days=rng.randint(3, 20)):%d/%m/%Y}",
    }
