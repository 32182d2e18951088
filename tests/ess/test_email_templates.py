"""What every email of the platform shares, whoever it is for: a subject that says it comes from
the ESS (the newsletter, which names the ESS itself, aside) and the team's sign-off."""

from pathlib import Path

import pytest
from django.conf import settings

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"
# Written as a letter or a list, with their own heading or footer.
OWN_LAYOUT = {"newsletter", "newsletter_confirm", "notification", "membership_to_review"}


@pytest.mark.parametrize(
    "subject", sorted(p.name for p in EMAILS.glob("*_subject.txt")), ids=lambda name: name
)
def test_each_subject_says_it_comes_from_the_ess(subject):
    text = (EMAILS / subject).read_text()

    assert subject == "newsletter_subject.txt" or "[ESS] " in text


@pytest.mark.parametrize(
    "body", sorted(p.name for p in EMAILS.glob("*_body.txt")), ids=lambda name: name
)
def test_each_letter_is_signed_by_the_team(body):
    name = body.removesuffix("_body.txt")
    text = (EMAILS / body).read_text()

    assert name in OWN_LAYOUT or "L'équipe de l'ESS" in text
