"""Forms of the residents' pages: a supervisor, an offer of places, a placement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import SemesterSeason
from events.views.etp_forms import DATE_INPUT, MemberChoiceField
from members.selectors import ess_members


class SupervisorForm(forms.Form):
    member = MemberChoiceField(label=_("Membre de l'ESS"), queryset=None)
    approval_number = forms.CharField(label=_("Numéro d'agrément"), max_length=50)
    approved_until = forms.DateField(
        label=_("Agrément valable jusqu'au"), widget=DATE_INPUT, required=False
    )
    university = forms.CharField(label=_("Faculté de rattachement"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = ess_members()


class SupervisorEditForm(SupervisorForm):
    """A registered supervisor's approval and university; the member stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["member"]


class _SupervisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.member.display_name


class TrainingPlaceForm(forms.Form):
    """An offer for one semester; the supervisor is chosen by the management, fixed for a
    supervisor declaring their own."""

    supervisor = _SupervisorChoiceField(label=_("Maître de stage"), queryset=None)
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    season = forms.ChoiceField(label=_("Semestre"), choices=SemesterSeason.choices)
    places = forms.IntegerField(label=_("Places offertes"), min_value=1, max_value=20, initial=1)
    site = forms.CharField(label=_("Lieu de stage"), max_length=300, required=False)

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        if supervisors is None:
            del self.fields["supervisor"]
        else:
            self.fields["supervisor"].queryset = supervisors


class TrainingPlaceEditForm(forms.Form):
    """An offer's places and site; its supervisor and semester stay."""

    places = forms.IntegerField(label=_("Places offertes"), min_value=1, max_value=20)
    site = forms.CharField(label=_("Lieu de stage"), max_length=300, required=False)


class PlacementForm(forms.Form):
    resident_name = forms.CharField(label=_("Nom de l'interne"), max_length=200)
    phase = forms.CharField(
        label=_("Phase"),
        max_length=100,
        required=False,
        help_text=_("Ex. : phase socle, phase d'approfondissement."),
    )
    starts_on = forms.DateField(label=_("Début"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Fin"), widget=DATE_INPUT)
