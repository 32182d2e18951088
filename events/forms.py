"""The public forms of trainings: registering without an account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.validators import validate_rpps
from members.models import Profession


class RegistrationForm(forms.Form):
    """Registering without an account: who, which profession, and the address the
    confirmation link goes to."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Un lien pour confirmer votre inscription vous y est envoyé."),
    )
    profession = forms.ChoiceField(label=_("Profession"), choices=Profession.choices)
    rpps = forms.CharField(
        label=_("Numéro RPPS (facultatif)"),
        max_length=20,
        required=False,
        validators=[validate_rpps],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("11 chiffres, sur votre carte CPS ou dans l'annuaire santé."),
    )
    organisation = forms.CharField(
        label=_("Structure d'exercice (facultatif)"), max_length=200, required=False
    )
