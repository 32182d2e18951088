"""Forms of the trainings' management pages: shape validation only; the services write and
refuse (an end before the start, no place and no link, fewer places than registrants…)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.forms import DateTimeField, TextAreaField
from ess.models import Specialty
from events.models import Training, TrainingKind
from events.selectors.manage import speakers_who_may_be_chosen
from members.models import Profession
from partners.models import Partner

# What a training's form carries besides its speakers and partners.
FIELDS = (
    "title",
    "kind",
    "specialty",
    "summary",
    "programme",
    "starts_at",
    "ends_at",
    "hours",
    "place",
    "video_url",
    "capacity",
    "target_professions",
)


class _PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class TrainingForm(forms.Form):
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        help_text=_("Ex. : Soirée insuffisance cardiaque, Webinaire ECG pour les IDE."),
    )
    kind = forms.ChoiceField(label=_("Format"), choices=TrainingKind.choices)
    specialty = forms.ModelChoiceField(
        label=_("Spécialité"), queryset=Specialty.objects.order_by("label"), required=False
    )
    summary = forms.CharField(label=_("En bref"), max_length=300, required=False)
    programme = TextAreaField(label=_("Programme"), rows=5, required=False)
    starts_at = DateTimeField(label=_("Début"))
    ends_at = DateTimeField(label=_("Fin"))
    hours = forms.DecimalField(
        label=_("Durée certifiée (heures)"),
        max_digits=4,
        decimal_places=1,
        min_value=0.5,
        help_text=_("Les heures que l'attestation de présence indique (ex. : 2 ou 1,5)."),
        localize=True,
    )
    place = forms.CharField(label=_("Lieu"), max_length=300, required=False)
    video_url = forms.URLField(
        label=_("Lien de visioconférence"), required=False, assume_scheme="https"
    )
    capacity = forms.IntegerField(label=_("Nombre de places"), min_value=1, max_value=10000)
    target_professions = forms.MultipleChoiceField(
        label=_("Professions visées"),
        choices=Profession.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : la formation s'adresse à tous."),
    )
    speakers = _PersonChoices(
        label=_("Intervenants"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partenaires co-organisateurs"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read again for each form: members and partners added since start-up are offered.
        self.fields["speakers"].queryset = speakers_who_may_be_chosen()
        self.fields["partners"].queryset = Partner.objects.order_by("name")

    @classmethod
    def for_training(cls, data, training: Training):
        initial = {name: getattr(training, name) for name in FIELDS}
        initial["speakers"] = list(training.speakers.all())
        initial["partners"] = list(training.partners.all())
        return cls(data, initial=initial)


class AttendanceForm(forms.Form):
    """The ticked registrations (their ids); the service refuses one that is not confirmed."""

    present = forms.TypedMultipleChoiceField(label=_("Présents"), coerce=int, required=False)

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(r.pk, str(r)) for r in registrations]
