"""Manager pages, the public archive, who may do what, and constant query counts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projet_sante.newsletter import services
from projet_sante.newsletter.models import Newsletter, NewsletterDelivery

MANAGER_PAGES = [
    "projet_sante:newsletter_manage",
    "projet_sante:newsletter_preview",
    "projet_sante:newsletter_preview_email",
    "projet_sante:newsletter_send",
]


def sent_letter(year, quarter, recipients=3) -> Newsletter:
    letter = services.newsletter_draft(year=year, quarter=quarter)
    now = timezone.now()
    Newsletter.objects.filter(pk=letter.pk).update(
        status="sent", sending_started_at=now, sent_at=now, recipients_total=recipients
    )
    NewsletterDelivery.objects.bulk_create(
        NewsletterDelivery(
            newsletter=letter, email=f"{i}@exemple.fr", audience="member", sent_at=now
        )
        for i in range(recipients)
    )
    return letter


@pytest.mark.parametrize(
    "persona", ["requester", "coordinator", "specialist", "paramedic", "authority"]
)
def test_only_managers_edit_preview_and_send(client_for, request, persona, draft):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(reverse("projet_sante:newsletter_manage_list")).status_code == 403
    for name in MANAGER_PAGES:
        url = reverse(name, args=[draft.public_id])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"progress": "piraté"}).status_code == 403, name
    refresh = reverse("projet_sante:newsletter_refresh_figures", args=[draft.public_id])
    assert client.post(refresh).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.progress != "piraté"


def test_anonymous_visitors_are_sent_to_sign_in_for_manager_pages(client, draft):
    response = client.get(reverse("projet_sante:newsletter_manage", args=[draft.public_id]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_anonymous_visitors_read_the_archive_and_can_subscribe_but_never_see_drafts(client, draft):
    letter = sent_letter(2026, 1)

    archive = client.get(reverse("projet_sante:newsletter_archive"))

    assert archive.status_code == 200
    assert "1er trimestre 2026" in archive.text
    assert "2e trimestre 2026" not in archive.text
    shown = client.get(reverse("projet_sante:newsletter_detail", args=[letter.public_id]))
    assert shown.status_code == 200
    hidden = client.get(reverse("projet_sante:newsletter_detail", args=[draft.public_id]))
    assert hidden.status_code == 404
    assert client.get(reverse("projet_sante:subscribe")).status_code == 200


def test_a_manager_edits_the_sections_and_markup_is_escaped(client_for, manager, draft):
    client = client_for(manager)
    url = reverse("projet_sante:newsletter_manage", args=[draft.public_id])

    response = client.post(
        url,
        {
            "progress": "Objectif atteint <script>alert(1)</script>\n\n- Gien\n- Montargis",
            "news": "Bienvenue au Dr Morel.",
            "events": "",
        },
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.news == "Bienvenue au Dr Morel."
    preview = client.get(reverse("projet_sante:newsletter_preview", args=[draft.public_id]))
    assert "<script>alert" not in preview.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview.text
    assert "<ul><li>Gien</li><li>Montargis</li></ul>" in preview.text
    email_html = client.get(
        reverse("projet_sante:newsletter_preview_email", args=[draft.public_id])
    )
    assert "<script>alert" not in email_html.text
    assert "Se désabonner en un clic" in email_html.text
    assert "Bienvenue au Dr Morel." in email_html.text


def test_the_preview_renders_the_email_the_worker_sends(client_for, manager, draft):
    expected = services.newsletter_render(
        newsletter=draft, email=manager.email, audience="member", base_url="http://testserver/"
    )

    response = client_for(manager).get(
        reverse("projet_sante:newsletter_preview_email", args=[draft.public_id])
    )

    assert response.text == expected.body_html


def test_the_send_page_asks_for_confirmation_with_the_audience_size(
    client_for, manager, members, draft
):
    response = client_for(manager).get(
        reverse("projet_sante:newsletter_send", args=[draft.public_id])
    )

    assert "Elle partira vers 3 destinataires" in response.text
    assert "Confirmer l'envoi" in response.text
    assert not NewsletterDelivery.objects.exists()


def test_progress_shows_sent_over_total_and_htmx_gets_the_fragment(
    client_for, manager, members, draft
):
    services.newsletter_send(newsletter_id=draft.pk, by=manager, base_url="http://testserver/")
    services.newsletter_deliver_batch(newsletter_id=draft.pk, limit=1)
    client = client_for(manager)
    url = reverse("projet_sante:newsletter_manage", args=[draft.public_id])

    page = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true"})

    assert "Envois : 1 sur 3" in page.text
    assert 'hx-trigger="every 5s"' in page.text
    assert fragment.text.strip().startswith('<div id="newsletter-progress"')
    assert fragment.text.strip() in page.text


def test_the_manager_list_runs_a_constant_number_of_queries(
    client_for, manager, django_assert_max_num_queries
):
    client = client_for(manager)
    url = reverse("projet_sante:newsletter_manage_list")
    sent_letter(2025, 4)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for quarter in (1, 2, 3):
        sent_letter(2025, quarter)
    services.newsletter_draft(year=2026, quarter=1)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "3e trimestre 2025" in response.text


def test_the_archive_runs_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    url = reverse("projet_sante:newsletter_archive")
    sent_letter(2025, 4)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for quarter in (1, 2, 3):
        sent_letter(2025, quarter)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "3e trimestre 2025" in response.text
