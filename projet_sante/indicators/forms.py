"""The form that sends a report to the ARS/CPAM (from the indicators and from a version)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.forms import CheckboxChoiceField, TextAreaField
from ess.roles import Institution
from projet_sante.indicators.transmissions import MESSAGE_MAX_LENGTH


class TransmissionForm(forms.Form):
    institutions = CheckboxChoiceField(
        label=_("Destinataires"),
        choices=Institution.choices,
        error_messages={
            "required": _("Choisissez à qui transmettre le document : ARS, CPAM ou les deux."),
        },
    )
    message = TextAreaField(
        label=_("Message (facultatif)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "transmit-%s")
        super().__init__(*args, **kwargs)
