from datetime import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ess import money
from ess.validators import format_phone
from ess.web import refill

register = template.Library()

_WIDGET_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "clearablefile": "form-control",
}


@register.filter
def bootstrap(field):
    """Render a bound field's widget with the Bootstrap class its type calls for; a field in
    error is marked invalid, tied to its messages, and focused when it is the form's first."""
    css = _WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css = f"{css} is-invalid".strip()
    attrs = {"class": css} if css else {}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}-errors"
        attrs["aria-invalid"] = "true"
        if field.name == next((n for n in field.form.errors if n in field.form.fields), None):
            attrs["autofocus"] = True  # the form's first field in error takes the focus
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def refilled(context, form, action=""):
    """`form` as it was sent to `action`, with its errors, when that action was just refused
    (ess.web.refill); otherwise `form` itself."""
    return refill.refilled(form, context.get("refused_form"), action)


@register.simple_tag
def colon():
    """The colon after a label: a no-break space before it in French ("Décision : …"), none in
    English ("Decision: …")."""
    return "\u00a0:" if (get_language() or "fr").startswith("fr") else ":"


@register.filter
def fields(form, names):
    """The form's bound fields named in `names` (space-separated), in that order; a name the
    form does not have is skipped (a variant of a form may drop a field)."""
    return [form[name] for name in names.split() if name in form.fields]


def _local_date(value, fmt: str) -> str:
    """`value` (a date, or a datetime shown in the current time zone) in the date format `fmt`;
    in French, the first of the month written "1er" ("1er juillet 2026")."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if value.day == 1 and (get_language() or "fr").startswith("fr"):
        fmt = fmt.replace("j F", r"j\e\r F")
    return date_format(value, fmt)


@register.filter
def long_date(value, fmt="j F Y"):
    """ "1er juillet 2026", "14 juillet 2026" (or another format with the month in words, such
    as "l j F Y"): the French long date, the first of the month written "1er"; the plain long
    date in other languages."""
    if not value:
        return ""
    return _local_date(value, fmt)


@register.filter
def date_at(value, fmt="l d/m/Y"):
    """A date (format `fmt`) and its time joined as the language says it: "lundi 07/12/2026 à
    22:19", "Monday 07/12/2026 at 22:19"."""
    if not value:
        return ""
    return _("%(date)s à %(time)s") % {
        "date": _local_date(value, fmt),
        "time": timezone.localtime(value).strftime("%H:%M"),
    }


@register.filter
def duration_hours(hours):
    """ "1 h 30", "2 h", "45 min": a duration given in hours (a number), as people say it."""
    if hours in (None, ""):
        return ""
    h, m = divmod(round(Decimal(str(hours)) * 60), 60)
    if not m:
        return _("%(h)d h") % {"h": h}
    if not h:
        return _("%(m)d min") % {"m": m}
    return _("%(h)d h %(m)02d") % {"h": h, "m": m}


@register.filter
def day_and_time(value):
    """ "04/12/2026 09:05": a date and time in the current time zone, as lists show them
    (`date:"d/m/Y H:i"`, without its general formatter: a list shows many)."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


@register.filter
def phone(value):
    """A stored number (E.164) as people read it: 06 12 34 56 78, +41 21 234 56 78."""
    return format_phone(value)


@register.filter
def ago(value, now=None):
    """How long ago, as people say it in a queue: "à l'instant", "il y a 25 min",
    "il y a 3 h" (under two days), "il y a 4 j"."""
    if not value:
        return ""
    minutes = max(0, int(((now or timezone.now()) - value).total_seconds() // 60))
    if minutes < 1:
        return _("à l'instant")
    if minutes < 60:
        return _("il y a %(n)d min") % {"n": minutes}
    if minutes < 48 * 60:
        return _("il y a %(n)d h") % {"n": minutes // 60}
    return _("il y a %(n)d j") % {"n": minutes // (24 * 60)}


def _choice(option):
    """(value, label) of a filter's option: a pair, or a row with a `code` (and a `label`, else
    its text)."""
    if isinstance(option, (tuple, list)):
        return option[0], option[1]
    return option.code, getattr(option, "label", None) or str(option)


@register.simple_tag
def select_options(choices, selected):
    """The <option>s of a drop-down from (value, text) pairs, `selected` marked: written in
    Python, a filter bar lists dozens of them on every page."""
    selected = None if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == selected else "", text)
            for value, text in choices
        ),
    )


@register.inclusion_tag("components/_filter_select.html")
def filter_select(name, label, options, selected, *, all_label="", width="col-sm-3", prefix="f"):
    """A list page's filter drop-down: `options` are pairs or rows with a code; `all_label`, when
    given, is the blank first option (no filter)."""
    return {
        "field_id": f"{prefix}-{name}",
        "name": name,
        "label": label,
        "choices": [_choice(option) for option in options],
        "selected": selected,
        "all_label": all_label,
        "width": width,
    }


@register.inclusion_tag("components/_filter_input.html")
def filter_input(name, label, value, *, input_type="", width="col-sm-3", prefix="f"):
    """A list page's free-text filter (`input_type="search"` for a search box)."""
    return {
        "field_id": f"{prefix}-{name}",
        "name": name,
        "label": label,
        "value": value,
        "input_type": input_type,
        "width": width,
    }


@register.filter
def euros(value) -> str:
    """An amount as the French write it: "1 234,56 €"."""
    return money.euros(value)
