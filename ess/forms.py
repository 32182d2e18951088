from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ess.api_auth import TOKEN_MAX_DAYS
from ess.models import TokenScope
from ess.selectors import commune_from_label


class CommuneField(forms.CharField):
    """A commune typed by name or postcode, picked from the datalist ('45234 — Orléans (45000)')."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "list": "communes-datalist",
                    "autocomplete": "off",
                    "hx-get": "/communes/options/",
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": "#communes-datalist",
                    "hx-swap": "innerHTML",
                    "placeholder": _("Nom ou code postal, puis choisir dans la liste"),
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        commune = commune_from_label(value)
        if commune is None:
            raise forms.ValidationError(
                _(
                    "Commune inconnue : tapez son nom ou son code postal puis choisissez-la "
                    "dans la liste proposée."
                ),
                code="unknown_commune",
            )
        return commune


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


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["notification_email"]
        widgets = {"notification_email": forms.RadioSelect(attrs={"class": "form-check-input"})}
        help_texts = {"notification_email": "Les urgences (P1, échéances) sont toujours envoyées."}


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
