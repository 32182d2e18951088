"""A referral's cells as the lists show them (due time, urgency; the queue's reference badges,
status and specialist), written in Python: the queue shows 25 rows, and a template include or
a few template conditions per cell cost more than the rest of the row."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from ess.templatetags.ess_tags import ago, day_and_time

register = template.Library()


@register.simple_tag
def due_cell(referral):
    """The due time (red when overdue), "(provisoire)" before triage, and, while the ESS owes
    its answer, how far it is."""
    if not referral.due_at:
        return format_html('<span class="text-body-secondary">{}</span>', _("à réguler"))
    overdue = referral.is_overdue
    provisional = distance = ""
    if referral.is_open and not referral.priority:
        provisional = format_html(
            ' <span class="small text-body-secondary">({})</span>', _("provisoire")
        )
    if referral.is_waiting:
        if overdue:
            text = _("dépassée de %(d)s") % {"d": timesince(referral.due_at)}
        else:
            text = _("dans %(d)s") % {"d": timeuntil(referral.due_at)}
        distance = format_html('<br><span class="small">{}</span>', text)
    return format_html(
        '<span class="{}">{}{}{}</span>',
        "text-danger fw-semibold" if overdue else "",
        day_and_time(referral.due_at),
        provisional,
        distance,
    )


@register.simple_tag
def urgency_cell(referral):
    """The priority once triaged; before, the urgency the requester asked for."""
    if referral.priority:
        return referral.priority
    return format_html(
        '<span class="badge urgency-{}" title="{}">{}</span>',
        (referral.urgency_requested or "").lower(),
        _("Urgence demandée par le demandeur, avant régulation"),
        _("%(p)s demandée") % {"p": referral.urgency_requested},
    )


def _badges(badges) -> str:
    """Badges side by side, each already escaped by `format_html`."""
    return mark_safe("".join(f" {badge}" for badge in badges))


def _badge(tone: str, text, title="") -> str:
    if title:
        return format_html('<span class="badge text-bg-{}" title="{}">{}</span>', tone, title, text)
    return format_html('<span class="badge text-bg-{}">{}</span>', tone, text)


@register.simple_tag
def reference_cell(referral):
    """The queue's reference, linked to the referral (`detail_url`), and its badges."""
    return format_html(
        '<a href="{}">{}</a>{}', referral.detail_url, referral.reference, reference_badges(referral)
    )


def reference_badges(referral):
    """After the queue's reference: an immediate opinion, diverging identity traits, and when it
    was received."""
    badges = []
    if referral.immediate:
        badges.append(_badge("danger", _("Avis immédiat")))
    if referral.identity_conflict:
        badges.append(_badge("danger", _("identité ?"), title=_("Traits d’identité divergents")))
    return format_html(
        '{}<br><span class="small text-body-secondary" title="{}">{}</span>',
        _badges(badges),
        day_and_time(referral.submitted_at),
        _("reçue %(age)s") % {"age": ago(referral.submitted_at)},
    )


@register.simple_tag
def status_cell(referral):
    """The status, and what the coordinator watches: a complement received, a specialist's
    refusal, an escalation (overdue, or past 75 % of the delay)."""
    badges = []
    if referral.info_received_at:
        badges.append(_badge("warning", _("complément reçu")))
    if referral.last_declined_at:
        badges.append(_badge("danger", _("refusée")))
    if referral.escalation_level == 100 and referral.is_overdue:
        badges.append(_badge("danger", _("escaladée : en retard")))
    elif referral.escalation_level == 75 and referral.is_waiting:
        badges.append(_badge("warning", _("escaladée : 75 %")))
    return format_html(
        '<span class="badge status-{}">{}</span>{}',
        referral.status,
        referral.status_label,
        _badges(badges),
    )


def _with_place(name, place) -> str:
    """A name, and under it in small the place it belongs to (when there is one)."""
    if not place:
        return conditional_escape(name)
    return format_html('{}<br><span class="small text-body-secondary">{}</span>', name, place.name)


@register.simple_tag
def patient_cell(referral):
    """The patient's name, and their commune."""
    patient = referral.patient
    return _with_place(patient.display_name, patient.commune)


@register.simple_tag
def requester_cell(referral):
    """Who sent the request, and their organisation."""
    return _with_place(referral.requester.display_name, referral.requester_organisation)


@register.simple_tag
def specialist_cell(referral):
    """The specialist who took the case, else whom it is offered to, else "—"."""
    if referral.specialist:
        return referral.specialist.display_name
    if referral.offered_to:
        return format_html(
            '<span class="text-body-secondary">{} {}</span>',
            _("proposée à"),
            referral.offered_to.display_name,
        )
    if referral.offered_to_pool:
        return format_html(
            '<span class="text-body-secondary">{}</span>', _("proposée à la spécialité")
        )
    return "—"
