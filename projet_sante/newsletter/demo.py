"""Demo newsletters: the last quarter's letter, sent, and the current quarter's draft.

Idempotent: a letter that exists is left as it is. The sent letter is recorded as sent to its
audience without emailing anyone (the demo's var/mail stays for what people do).
"""

from django.utils import timezone

from projet_sante.newsletter.models import NewsletterDelivery, NewsletterStatus
from projet_sante.newsletter.selectors import newsletter_audience, previous_quarter, quarter_of
from projet_sante.newsletter.services import newsletter_draft

SENT_SECTIONS = {
    "progress": (
        "Le projet de santé a été présenté à l'ARS Centre-Val de Loire et à la CPAM du Loiret.\n\n"
        "- Consultation avancée de Gien : une demi-journée par semaine depuis le 2 du mois\n"
        "- Parcours insuffisance cardiaque : protocole partagé avec deux IPA"
    ),
    "news": "Deux cardiologues de Montargis ont rejoint l'ESS.",
    "events": "- Soirée de formation « ECG en soins primaires », Orléans, jeudi 19 h",
}
DRAFT_SECTIONS = {
    "progress": "Bilan à mi-parcours des consultations avancées : à compléter.",
    "news": "",
    "events": "",
}


def seed_newsletters() -> int:
    year, quarter = previous_quarter()
    last = newsletter_draft(year=year, quarter=quarter)
    if last.status == NewsletterStatus.DRAFT and not last.progress:
        now = timezone.now()
        audience = newsletter_audience()
        NewsletterDelivery.objects.bulk_create(
            NewsletterDelivery(newsletter=last, email=email, audience=kind, sent_at=now)
            for email, kind in audience.items()
        )
        for field, text in SENT_SECTIONS.items():
            setattr(last, field, text)
        last.status = NewsletterStatus.SENT
        last.sending_started_at = last.last_batch_at = last.sent_at = now
        last.recipients_total = len(audience)
        last.save()
    year, quarter = quarter_of(timezone.now())
    current = newsletter_draft(year=year, quarter=quarter)
    if current.status == NewsletterStatus.DRAFT and not current.progress:
        for field, text in DRAFT_SECTIONS.items():
            setattr(current, field, text)
        current.save(update_fields=[*DRAFT_SECTIONS, "updated_at"])
    return 2
