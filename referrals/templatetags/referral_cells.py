"""A referral's due time and urgency as the lists show them, written in Python: the queue shows
25 rows, and a template include per cell costs more than the rest of the row."""

from django import template
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from ess.templatetags.ess_tags import day_and_time

register = template.Library()


@register.simple_tag
def due_cell(referral):
    """The due time (red when overdue), "(provisoire)" before triage, and how far it is."""
    if not referral.due_at:
        return format_html('<span class="text-body-secondary">{}</span>', _("à réguler"))
    overdue = referral.is_overdue
    provisional = distance = ""
    if referral.is_open:
        if not referral.priority:
            provisional = format_html(
                ' <span class="small text-body-secondary">({})</span>', _("provisoire")
            )
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
