"""Forms of the ETP pages: a programme, a session (counts of patients only)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.forms import TextAreaField
from ess.models import Specialty
from events.models import EtpProgramme, EtpSession
from members.selectors import ess_members

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class EtpProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    authorisation_number = forms.CharField(label=_("Numéro d'autorisation ARS"), max_length=50)
    authorised_on = forms.DateField(label=_("Date d'autorisation"), widget=DATE_INPUT)
    specialty = forms.ModelChoiceField(
        label=_("Spécialité"), queryset=Specialty.objects.order_by("label"), required=False
    )
    coordinator = MemberChoiceField(
        label=_("Coordinateur·rice (membre de l'ESS)"), queryset=None, required=False
    )
    coordinator_name = forms.CharField(
        label=_("Ou coordination hors ESS"),
        max_length=200,
        required=False,
        help_text=_("Ex. : service de cardiologie du CHR."),
    )
    description = TextAreaField(label=_("Description"), required=False, rows=3)
    is_active = forms.BooleanField(label=_("Programme en cours"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = ess_members()

    @classmethod
    def for_programme(cls, data, programme: EtpProgramme):
        names = [
            "title",
            "authorisation_number",
            "authorised_on",
            "specialty",
            "coordinator",
            "coordinator_name",
            "description",
            "is_active",
        ]
        return cls(data, initial={name: getattr(programme, name) for name in names})


class EtpSessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    topic = forms.CharField(label=_("Thème de la séance"), max_length=200)
    collective = forms.TypedChoiceField(
        label=_("Format"),
        choices=[("1", _("Collective")), ("0", _("Individuelle"))],
        coerce=lambda value: value == "1",
        initial="1",
    )
    patients_count = forms.IntegerField(
        label=_("Nombre de patients"),
        min_value=0,
        max_value=500,
        help_text=_("Un nombre seulement : aucun nom de patient n'est enregistré."),
    )
    facilitators = MembersChoiceField(
        label=_("Animateurs (membres de l'ESS)"), queryset=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = ess_members()

    @classmethod
    def for_session(cls, data, session: EtpSession):
        initial = {
            "held_on": session.held_on,
            "topic": session.topic,
            "collective": "1" if session.collective else "0",
            "patients_count": session.patients_count,
            "facilitators": list(session.facilitators.all()),
        }
        return cls(data, initial=initial)
