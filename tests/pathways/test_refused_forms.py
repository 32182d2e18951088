"""A refused action comes back to its page with what was typed: a nurse whose result was
refused does not lose the box that alerts the doctor."""

from django.urls import reverse

from ess.web.refill import SESSION_KEY


def test_a_refused_result_comes_back_with_the_alert_box_still_ticked(scene, client_for):
    task = scene.open().tasks.first()
    client = client_for(scene.ipa)
    task_page = reverse("pathways:task", args=[task.public_id])

    response = client.post(
        reverse("pathways:task_record", args=[task.public_id]),
        {"result": "", "out_of_range": "on"},
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == task_page
    box = page.split('name="out_of_range"', 1)[1].split(">", 1)[0]
    assert "checked" in box
    result = page.split('name="result"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in result and "autofocus" in result
    task.refresh_from_db()
    assert task.status == "todo"


def test_what_was_refused_is_shown_once_only(scene, client_for):
    task = scene.open().tasks.first()
    client = client_for(scene.ipa)
    url = reverse("pathways:task_record", args=[task.public_id])
    client.post(url, {"result": "", "out_of_range": "on"})

    elsewhere = client.get(reverse("pathways:worklist"))
    again = client.get(reverse("pathways:task", args=[task.public_id])).content.decode()

    assert SESSION_KEY not in elsewhere.wsgi_request.session
    box = again.split('name="out_of_range"', 1)[1].split(">", 1)[0]
    assert "checked" not in box and 'aria-invalid="true"' not in again
