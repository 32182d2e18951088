from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from ess.api_auth import TOKEN_MAX_DAYS
from ess.models import TokenScope
from ess.selectors import communes_matching


class CommuneField(forms.CharField):
    """A commune typed by name or postcode, or picked from the suggestions the combobox
    (static/js/combobox.js, fed by `commune_search`) shows as one types; picking one writes
    its label ('45234 — Orléans (45000)'). Without JavaScript it is a plain text field. Any
    name, postcode or INSEE code that designates a single commune is accepted; several
    communes are listed back to choose from."""

    # Enough to choose from without a wall of text; the suggestions offer the rest.
    AMBIGUOUS_SHOWN = 8

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "data-combobox": reverse_lazy("commune_search"),
                    "placeholder": _("Nom ou code postal, puis choisir dans la liste"),
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        found = communes_matching(value)
        if not found:
            raise forms.ValidationError(
                _(
                    "Commune inconnue : « %(typed)s ». Tapez son nom ou son code postal, puis "
                    "choisissez-la dans la liste proposée."
                ),
                code="unknown_commune",
                params={"typed": value[:100]},
            )
        if len(found) > 1:
            shown = found[: self.AMBIGUOUS_SHOWN]
            choices = " ; ".join(
                f"{c.name} ({c.main_postal_code or c.code}, {c.departement.name})" for c in shown
            )
            raise forms.ValidationError(
                _(
                    "%(count)s communes répondent à « %(typed)s » : %(choices)s%(more)s. "
                    "Précisez laquelle (ex. « %(example)s ») ou choisissez-la dans la liste."
                ),
                code="ambiguous_commune",
                params={
                    "count": len(found),
                    "typed": value[:100],
                    "choices": choices,
                    "more": "…" if len(found) > len(shown) else "",
                    "example": f"{shown[0].name} {shown[0].main_postal_code or shown[0].code}",
                },
            )
        return found[0]


class DateInput(forms.DateInput):
    """The browser's date picker; its value is written as it expects it (2026-03-31)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeField(forms.DateTimeField):
    """A date and time picked with the browser's picker (datetime-local), or typed
    "31/03/2026 14:30" where there is none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
        super().__init__(*args, **kwargs)


def phone_input(autocomplete: str = "tel") -> forms.TextInput:
    """A phone number field: the phone keypad on a mobile, the browser's autofill where the
    number is the user's own ("tel", "work tel"), none where it is someone else's ("off")."""
    return forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": autocomplete})


class TextAreaField(forms.CharField):
    """Free text typed on a few lines (`rows`, two unless told)."""

    def __init__(self, *args, rows: int = 2, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    """The reason a refusing or ending action requires (sent to the person, kept in the
    history)."""

    reason = TextAreaField(label=_("Motif"))


class _RadioButtons:
    """The choices shown as radio buttons (styled by the theme), not a drop-down list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.RadioSelect(attrs={"class": "form-check-input"}))
        super().__init__(*args, **kwargs)


class RadioChoiceField(_RadioButtons, forms.ChoiceField):
    pass


class RadioTypedChoiceField(_RadioButtons, forms.TypedChoiceField):
    pass


def checkboxes() -> forms.CheckboxSelectMultiple:
    """Several choices shown as check boxes (styled by the theme), not a multiple-selection
    list: the widget of the fields below, and of a model choice field's."""
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class _CheckBoxes:
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", checkboxes())
        super().__init__(*args, **kwargs)


class CheckboxChoiceField(_CheckBoxes, forms.MultipleChoiceField):
    pass


class CheckboxTypedChoiceField(_CheckBoxes, forms.TypedMultipleChoiceField):
    pass


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["notification_email", "language", "mssante_email"]
        widgets = {
            "notification_email": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "language": forms.RadioSelect(attrs={"class": "form-check-input"}),
        }
        help_texts = {
            "notification_email": _("Les urgences (P1, échéances) sont toujours envoyées.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False  # not sent: unchanged
        # Each language in its own name, as the language switch offers them.
        self.fields["language"].choices = [
            (code, capfirst(get_language_info(code)["name_local"]))
            for code, _name in settings.LANGUAGES
        ]

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.instance.language

    def clean_mssante_email(self) -> str:
        return self.cleaned_data["mssante_email"].strip().lower()


class ApiTokenForm(forms.Form):
    """Shape only; ess.api_auth.token_issue checks the rest (who may hold a token)."""

    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Le logiciel ou l'usage qui s'en servira, pour le reconnaître plus tard."),
    )
    scope = RadioChoiceField(
        label=_("Portée"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
    )
    days = forms.IntegerField(
        label=_("Validité (jours)"),
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=lambda: settings.ESS_API_TOKEN_DAYS,
    )
