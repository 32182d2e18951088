import re

import pytest

from tests.factories import CompetenceFactory, cardiology, valid_rpps

RPPS = valid_rpps("1012345678")


@pytest.fixture
def specialty(db):
    return cardiology()


@pytest.fixture
def rythmology(specialty):
    return CompetenceFactory(code="rythmologie", label="Rythmologie", specialty=specialty)


@pytest.fixture
def application_data(specialty, rythmology, territory):
    """What a cardiologist types in the public application form."""
    return {
        "email": "lea.moreau@exemple.fr",
        "first_name": "Léa",
        "last_name": "Moreau",
        "phone": "",
        "profession": "medecin",
        "rpps": RPPS,
        "adeli": "",
        "specialty": "cardiologie",
        "competences": [str(rythmology.pk)],
        "practice_mode": "liberal",
        "sector": "secteur_1",
        "participations": ["unscheduled_care", "teleexpertise"],
        "languages": "anglais",
        "is_public": "on",
        "public_fields": ["competences"],
        "submission_key": "k" * 32,
        "sites-TOTAL_FORMS": "2",
        "sites-INITIAL_FORMS": "0",
        "sites-MIN_NUM_FORMS": "1",
        "sites-MAX_NUM_FORMS": "5",
        "sites-0-address": "12 rue Bannier",
        "sites-0-commune": "45234 — Orléans (45000)",
        "sites-0-phone": "02 38 11 22 33",
        "sites-1-address": "",
        "sites-1-commune": "",
        "sites-1-phone": "",
    }


def link_in(body: str, path: str) -> str:
    """The path of the first link to `path` in an email body."""
    return re.search(rf"https?://[^/\s]+({path}\S+/)", body).group(1)
