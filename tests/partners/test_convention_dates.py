"""A convention's dates in order: the next evaluation between its effect and its end, refused
beside the field otherwise, from the form as from the service."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from partners import services
from partners.models import Convention, ConventionKind
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def _post(client, **dates):
    return client.post(
        "/partenaires/conventions/nouvelle/",
        {
            "kind": ConventionKind.objects.get(code="protocole-organisation").pk,
            "title": "Convention QA",
            "parties": [PartnerFactory().pk],
            **dates,
        },
    )


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"effective_on": "2026-01-01", "next_evaluation_on": "2025-01-01"},
            "La prochaine évaluation ne peut précéder la date de prise d'effet.",
        ),
        (
            {
                "effective_on": "2026-01-01",
                "end_on": "2027-12-31",
                "next_evaluation_on": "2028-06-01",
            },
            "La prochaine évaluation ne peut suivre l'échéance.",
        ),
    ],
)
def test_a_next_evaluation_out_of_the_convention_s_dates_is_refused(
    client_for, manager, dates, message
):
    response = _post(client_for(manager), **dates)

    assert response.status_code == 200
    assert response.context["form"].errors["next_evaluation_on"] == [message]
    assert not Convention.objects.exists()


def test_the_service_refuses_the_same_dates(manager):
    with pytest.raises(ValidationError) as refused:
        services.convention_create(
            by=manager,
            parties=[PartnerFactory()],
            kind=ConventionKind.objects.get(code="protocole-organisation"),
            title="Convention QA",
            effective_on=datetime.date(2026, 1, 1),
            next_evaluation_on=datetime.date(2025, 1, 1),
        )
    assert "next_evaluation_on" in refused.value.message_dict
    assert not Convention.objects.exists()


def test_a_next_evaluation_within_the_dates_is_accepted(client_for, manager):
    response = _post(
        client_for(manager),
        effective_on="2026-01-01",
        end_on="2027-12-31",
        next_evaluation_on="2026-12-01",
    )
    assert response.status_code == 302
    assert Convention.objects.get().next_evaluation_on == datetime.date(2026, 12, 1)
