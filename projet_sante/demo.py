"""Demo newsletters: the last quarter's letter, sent, and the current quarter's draft.

Idempotent: a letter that exists is left as it is. The sent letter is recorded as sent to its
audience without emailing anyone (the demo's var/mail stays for what people do).
"""

from django.utils import timezone

from projet_sante.models import NewsletterDelivery, NewsletterStatus
from projet_sante.selectors import newsletter_audience, previous_quarter, quarter_of
from projet_sante.services import newsletter_draft

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


# --- Indicators (step 7a) --------------------------------------------------------------------
DEMO_TARGETS = [
    # (code, comparison, value, note)
    ("p1_within_due_pct", "gte", 90, "Projet de santé, axe 1 : urgences sous 24 h"),
    ("p2_within_due_pct", "gte", 80, "Projet de santé, axe 1 : 80 % des P2 sous 48 h"),
    ("triage_median_hours", "lte", 4, "Régulation dans la demi-journée"),
    ("closed_loop_pct", "gte", 85, "Retour d'information systématique au demandeur"),
    ("active_members", "gte", 12, "Montée en charge de l'équipe"),
    ("conventions_in_force", "gte", 3, ""),
]


def seed_indicators() -> int:
    """Targets of the demo health project and frozen snapshots of the last four quarters.
    Idempotent: existing targets and snapshots are left as they are."""
    from datetime import timedelta

    from django.utils import timezone

    from partners.models import Partner
    from projet_sante.models import IndicatorTarget
    from projet_sante.periods import current_quarter
    from projet_sante.services_indicators import indicator_snapshot_take

    # The demo's partners were just written; in the story they were recorded long ago (before
    # their conventions), which the past quarters' figures must reflect.
    now = timezone.now()
    Partner.objects.filter(created_at__gte=now - timedelta(days=1)).update(
        created_at=now - timedelta(days=800)
    )
    for code, comparison, value, note in DEMO_TARGETS:
        IndicatorTarget.objects.get_or_create(
            code=code, defaults={"comparison": comparison, "value": value, "note": note}
        )
    quarters = current_quarter().previous_quarters(5)[:-1]
    for quarter in quarters:
        indicator_snapshot_take(period=quarter)
    return len(quarters)
