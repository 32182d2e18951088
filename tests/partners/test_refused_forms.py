"""A refused action folded on the convention page comes back open, on its field."""

from django.urls import reverse

from tests.factories import ConventionFactory


def test_terminating_without_a_reason_reopens_the_section_on_the_reason(client_for, manager):
    convention = ConventionFactory(active=True)

    response = client_for(manager).post(
        reverse("partners:convention_terminate", args=[convention.public_id]),
        {"reason": "   "},
        follow=True,
    )

    page = response.content.decode()
    section = page.split("<summary>Résilier ou abandonner</summary>", 1)[0].rsplit("<details", 1)[1]
    assert " open" in section
    reason = page.split('name="reason"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in reason and "autofocus" in reason
    convention.refresh_from_db()
    assert convention.status == "active"
