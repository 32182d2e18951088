"""Forms of the funding pages: shape validation only; the services write and refuse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.forms import DateInput, TextAreaField
from ess.money import check_fits, parse_amount, plain
from finance.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Activity,
    BudgetCategory,
    Funder,
    FundingKind,
    Grant,
)

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class AmountField(forms.CharField):
    """Euros in French ("1 234,56"), as Decimal, small enough for the budget's columns."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return plain(value) if value not in (None, "") and not isinstance(value, str) else value

    def clean(self, value):
        text = super().clean(value)
        if text in (None, ""):
            return None
        amount = parse_amount(text)
        if amount is None:
            raise forms.ValidationError(_("Indiquez un montant en euros (ex. 1 234,56)."))
        return check_fits(amount)


def _date(label, required=False):
    return forms.DateField(
        label=label, required=required, widget=DateInput(), input_formats=DATE_FORMATS
    )


class GrantForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=FundingKind.choices)
    funder = forms.ChoiceField(label=_("Financeur"), choices=Funder.choices)
    funder_name = forms.CharField(
        label=_("Nom du financeur"),
        max_length=200,
        required=False,
        help_text=_("Pour un autre financeur (collectivité, fondation…)."),
    )
    label = forms.CharField(label=_("Intitulé"), max_length=200)
    year = forms.IntegerField(label=_("Exercice"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    amount = AmountField(label=_("Montant (€)"))
    decided_on = _date(_("Date de décision"))
    received_on = _date(_("Date de versement"))
    conditions = TextAreaField(label=_("Conditions"), rows=3, required=False)
    reporting = TextAreaField(label=_("Compte rendu exigé"), rows=3, required=False)
    reporting_due = _date(_("Compte rendu dû le"))

    @classmethod
    def for_grant(cls, data, grant: Grant):
        return cls(data, initial={name: getattr(grant, name) for name in cls.base_fields})


class BudgetForm(forms.Form):
    """The year's planned amount per category."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def __init__(self, *args, planned: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        planned = planned or {}
        for category, label in BudgetCategory.choices:
            self.fields[category] = AmountField(label=label, initial=planned.get(category, 0))


class ExpenseForm(forms.Form):
    date = _date(_("Date"), required=True)
    category = forms.ChoiceField(label=_("Poste"), choices=BudgetCategory.choices)
    label = forms.CharField(label=_("Libellé"), max_length=200)
    amount = AmountField(label=_("Montant (€)"))
    supplier = forms.CharField(label=_("Fournisseur"), max_length=200, required=False)
    receipt = forms.FileField(
        label=_("Justificatif"),
        required=False,
        help_text=_("Facture ou note : PDF, JPEG, PNG ou texte."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Séparé par des points-virgules, avec l'en-tête « date;poste;libellé;montant;"
            "fournisseur » ; dates au format 31/12/2026, montants au format 1 234,56."
        ),
    )


class RatesForm(forms.Form):
    """Each activity's rate."""

    def __init__(self, *args, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for activity, label in Activity.choices:
            self.fields[activity] = AmountField(label=label, initial=current.get(activity, 0))
