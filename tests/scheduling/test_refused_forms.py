"""A refused absence comes back on the availability page as it was typed."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from scheduling.models import Absence


def test_an_absence_ending_before_it_starts_comes_back_as_typed(client_for, specialist):
    start = timezone.localdate() + timedelta(days=10)
    end = start - timedelta(days=3)

    response = client_for(specialist).post(
        reverse("scheduling:absence_create"),
        {
            "absence-starts_on": start.isoformat(),
            "absence-ends_on": end.isoformat(),
            "absence-reason": "Congrès",
        },
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("scheduling:availability")
    assert f'value="{start.isoformat()}"' in page and 'value="Congrès"' in page
    assert 'aria-invalid="true"' in page
    assert not Absence.objects.exists()
