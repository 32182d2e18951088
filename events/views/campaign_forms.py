"""Forms of the campaign pages: shape validation only; events.services.campaigns writes and
refuses."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.forms import CommuneField, TextAreaField
from ess.models import Departement, Specialty
from events.models import Campaign, CampaignAction, CampaignKind
from meetings.selectors import members_who_may_take_part
from partners.models import Partner

# Empty commune inputs offered below those already chosen (a campaign covers a few communes;
# one more is added after each save).
SPARE_COMMUNES = 3
MAX_COMMUNES = 60
_COMMUNE_INPUT = re.compile(r"^commune_(\d+)$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class _CountField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("initial", 0)
        super().__init__(*args, **kwargs)


class CampaignForm(forms.Form):
    """A campaign: what, for whom, when, where (communes picked one per input with the commune
    suggestions, and départements), with whom. Its cleaned data are the service's arguments."""

    title = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        help_text=_("Ex. : Dépistage de la fibrillation atriale."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=CampaignKind.choices)
    theme = forms.CharField(label=_("Thème"), max_length=200)
    specialty = forms.ModelChoiceField(
        label=_("Spécialité"), queryset=Specialty.objects.none(), required=False
    )
    description = TextAreaField(label=_("Description"), rows=4, required=False)
    target_population = forms.CharField(
        label=_("Population cible"),
        max_length=300,
        help_text=_("Ex. : personnes de plus de 65 ans du territoire."),
    )
    starts_on = forms.DateField(label=_("Début"), widget=DateInput())
    ends_on = forms.DateField(label=_("Fin"), widget=DateInput())
    departements = forms.ModelMultipleChoiceField(
        label=_("Départements"),
        queryset=Departement.objects.none(),
        required=False,
        help_text=_("Une campagne menée sur tout un département ; sinon, ses communes."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partenaires"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    lead = _PersonChoiceField(
        label=_("Responsable"),
        queryset=members_who_may_take_part().none(),
        required=False,
        empty_label=_("— Aucun —"),
    )
    is_public = forms.BooleanField(
        label=_("Afficher la campagne sur la page publique"), required=False, initial=True
    )

    def __init__(self, data=None, *, campaign: Campaign | None = None, communes=(), **kwargs):
        if campaign is not None:
            kwargs.setdefault("initial", _initial(campaign))
        super().__init__(data, **kwargs)
        # Read again for each form: partners, members and specialties added since start-up.
        self.fields["specialty"].queryset = Specialty.objects.order_by("label")
        self.fields["departements"].queryset = Departement.objects.order_by("code")
        self.fields["partners"].queryset = Partner.objects.order_by("name")
        self.fields["lead"].queryset = members_who_may_take_part()
        self._add_commune_inputs(data, list(communes))

    def _add_commune_inputs(self, data, communes) -> None:
        posted = [int(m[1]) for key in (data or {}) if (m := _COMMUNE_INPUT.match(key))]
        count = min(max([len(communes) + SPARE_COMMUNES, *posted]), MAX_COMMUNES)
        for index in range(1, count + 1):
            name = f"commune_{index}"
            self.fields[name] = CommuneField(
                label=_("Commune %(n)s") % {"n": index}, required=False
            )
            if index <= len(communes):
                self.initial[name] = communes[index - 1].label
        self.order_fields(
            [name for name in self.fields if not _COMMUNE_INPUT.match(name)][:8]
            + [name for name in self.fields if _COMMUNE_INPUT.match(name)]
        )

    def clean(self):
        cleaned = super().clean()
        picked = []
        for name in list(cleaned):
            if _COMMUNE_INPUT.match(name):
                commune = cleaned.pop(name)
                if commune is not None and commune not in picked:
                    picked.append(commune)
        cleaned["communes"] = picked
        return cleaned


def _initial(campaign: Campaign) -> dict:
    names = (
        "title",
        "kind",
        "theme",
        "specialty",
        "description",
        "target_population",
        "starts_on",
        "ends_on",
        "lead",
        "is_public",
    )
    initial = {name: getattr(campaign, name) for name in names}
    initial["departements"] = list(campaign.departements.all())
    initial["partners"] = list(campaign.partners.all())
    return initial


class CampaignActionForm(forms.ModelForm):
    """An action of a campaign and its counts (never anyone's identity)."""

    class Meta:
        model = CampaignAction
        fields = [
            "title",
            "held_on",
            "place",
            "people_reached",
            "screenings_done",
            "referrals_generated",
            "notes",
        ]
        field_classes = {
            "people_reached": _CountField,
            "screenings_done": _CountField,
            "referrals_generated": _CountField,
        }
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"title": _("Action"), "referrals_generated": _("Orientations générées")}
        help_texts = {
            "title": _("Ex. : journée de dépistage en pharmacie, stand au marché."),
            "people_reached": _("Un nombre, jamais de nom."),
            "referrals_generated": _("Personnes orientées vers un spécialiste."),
            "notes": _(
                "N'écrivez ici aucun nom de patient ni rien qui permette de reconnaître une "
                "personne : seulement des remarques d'organisation."
            ),
        }
