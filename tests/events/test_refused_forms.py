"""On the trainings' management list, a refused cancellation comes back on its own row only."""

from django.urls import reverse

from tests.factories import TrainingFactory


def test_a_cancellation_refused_on_one_row_refills_that_row_alone(client_for, manager):
    first, second = TrainingFactory(), TrainingFactory()
    client = client_for(manager)

    response = client.post(
        reverse("events:cancel", args=[second.public_id]), {"reason": "  "}, follow=True
    )

    page = response.content.decode()
    assert page.count('aria-invalid="true"') == 1
    refused_row = page.split(second.title, 1)[1].split("</tr>", 1)[0]
    assert " open>" in refused_row and 'aria-invalid="true"' in refused_row
    first_row = page.split(first.title, 1)[1].split("</tr>", 1)[0]
    assert " open>" not in first_row
    second.refresh_from_db()
    assert second.status == "published"
