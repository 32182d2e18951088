from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ess.api_auth import TOKEN_MAX_DAYS
from ess.models import TokenScope
from members.models import User


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = User
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
    scope = forms.ChoiceField(
        label=_("Portée"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    days = forms.IntegerField(
        label=_("Validité (jours)"),
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=lambda: settings.ESS_API_TOKEN_DAYS,
    )
