"""Forms of the availability and advanced-consultation pages: shape only, the services hold the
rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ess.forms import (
    CheckboxChoiceField,
    CheckboxTypedChoiceField,
    CommuneField,
    DateInput,
    DateTimeField,
    TextAreaField,
    checkboxes,
)
from ess.models import Specialty
from ess.roles import Role
from members.models import User
from partners.models import Convention, Partner, Protocol
from scheduling.models import Day, ShiftPreset, Weekday


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: each error on its field, or above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# ---------------------------------------------------------------------------------------------
# Availability
# ---------------------------------------------------------------------------------------------
class SlotForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Début"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}))
    teleconsultation = forms.BooleanField(label=_("Téléconsultation"), required=False)
    place = forms.CharField(
        label=_("Lieu"), max_length=200, required=False, help_text=_("Sauf téléconsultation.")
    )
    capacity = forms.IntegerField(label=_("Nombre de patients"), min_value=1, initial=1)
    weeks = forms.IntegerField(
        label=_("Répéter chaque semaine pendant (semaines)"),
        min_value=1,
        initial=1,
        help_text=_("1 : créneau ponctuel."),
    )
    sas_open = forms.BooleanField(
        label=_("Ouvrir au SAS"),
        required=False,
        help_text=_(
            "Le service d'accès aux soins (SAS) voit ce créneau et peut y orienter un patient."
        ),
    )


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Au (inclus)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Motif (facultatif)"), max_length=200, required=False)


# ---------------------------------------------------------------------------------------------
# Opening hours and closures
# ---------------------------------------------------------------------------------------------
class OpeningRangeForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Jour"), choices=Day.choices, coerce=int)
    opens_at = forms.TimeField(label=_("Ouverture"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(
        label=_("Fermeture"), widget=forms.TimeInput(attrs={"type": "time"})
    )


class ClosureForm(forms.Form):
    starts_on = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Au (inclus)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Motif"), max_length=200, help_text=_("Par exemple : fermeture estivale.")
    )


# ---------------------------------------------------------------------------------------------
# Advanced consultations
# ---------------------------------------------------------------------------------------------


def specialists_of(specialty_id=None):
    qs = User.objects.filter(role_grants__role=Role.SPECIALIST, is_active=True).distinct()
    if specialty_id:
        qs = qs.filter(specialty_id=specialty_id)
    return qs.order_by("last_name", "first_name")


def runners_of(specialty_id=None, protocol=None):
    """Who may run a plan's sessions: its specialty's specialists and, for a nurse-led
    consultation, the paramedics delegated under its protocol (the service checks that the
    protocol is in force)."""
    qs = specialists_of(specialty_id)
    if protocol is None:
        return qs
    delegates = User.objects.filter(
        role_grants__role=Role.PARAMEDIC, is_active=True, protocols_delegated=protocol
    )
    return User.objects.filter(
        Q(pk__in=qs.values("pk")) | Q(pk__in=delegates.values("pk"))
    ).order_by("last_name", "first_name")


class SpecialistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class SpecialistsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _volunteers_field(label=None):
    """The specialists volunteering for a plan's sessions (the form's __init__ sets whom)."""
    return SpecialistsField(
        label=label or _("Spécialistes volontaires"),
        queryset=User.objects.none(),
        widget=checkboxes(),
        required=False,
    )


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Nom du site"), max_length=150)
    commune = CommuneField(label=_("Commune"))
    address = forms.CharField(label=_("Adresse"), max_length=250)
    host = forms.ModelChoiceField(
        label=_("Structure d'accueil"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("— Aucune —"),
    )
    convention = forms.ModelChoiceField(
        label=_("Convention d'accueil"),
        queryset=Convention.objects.none(),
        required=False,
        empty_label=_("— Aucune —"),
        help_text=_("Une convention signée avec la structure d'accueil."),
    )
    specialties = forms.ModelMultipleChoiceField(
        label=_("Spécialités proposées"),
        queryset=Specialty.objects.none(),
        widget=checkboxes(),
        required=False,
    )
    rooms = TextAreaField(label=_("Locaux et équipement"), required=False)
    accessibility = TextAreaField(label=_("Accessibilité"), required=False)
    underserved = forms.BooleanField(label=_("Commune en zone sous-dotée"), required=False)
    active = forms.BooleanField(label=_("Site actif"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Partner.objects.order_by("name")
        self.fields["convention"].queryset = Convention.objects.order_by("title")
        self.fields["specialties"].queryset = Specialty.objects.order_by("label")


class PlanForm(forms.Form):
    specialty = forms.ModelChoiceField(label=_("Spécialité"), queryset=Specialty.objects.none())
    weekday = forms.TypedChoiceField(label=_("Jour"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(
        label=_("Début"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    season_start = forms.DateField(
        label=_("Début de saison"), widget=forms.DateInput(attrs={"type": "date"})
    )
    season_end = forms.DateField(
        label=_("Fin de saison"), widget=forms.DateInput(attrs={"type": "date"})
    )
    capacity = forms.IntegerField(label=_("Nombre de rendez-vous"), min_value=1, max_value=40)
    slot_minutes = forms.IntegerField(
        label=_("Durée d'un rendez-vous (minutes)"), min_value=5, max_value=240
    )
    protocol = forms.ModelChoiceField(
        label=_("Protocole (consultation infirmière)"),
        queryset=Protocol.objects.none(),
        required=False,
        help_text=_(
            "Une consultation infirmière sous protocole : ses délégués (IPA, IDE) peuvent se "
            "porter volontaires tant que sa convention est en vigueur."
        ),
    )
    volunteers = _volunteers_field()

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].queryset = (
            site.specialties.all() if site else Specialty.objects.all()
        )
        offered = list(site.specialties.all()[:2]) if site else []
        if len(offered) == 1:  # nothing to choose: the site's only specialty
            self.fields["specialty"].initial = offered[0].pk
        self.fields["volunteers"].queryset = specialists_of()
        self.fields["protocol"].queryset = Protocol.objects.select_related("convention")


class _RunnersForm(forms.Form):
    """Chooses among those who may run a plan's sessions (`runners_of`) in its field
    `runners`, labelled `protocol_label` when the plan runs under a protocol."""

    runners: str
    protocol_label: str

    def __init__(self, *args, specialty_id=None, protocol=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.runners]
        field.queryset = runners_of(specialty_id, protocol)
        if protocol is not None:
            field.label = self.protocol_label


class VolunteersForm(_RunnersForm):
    volunteers = _volunteers_field()
    runners = "volunteers"
    protocol_label = _("Volontaires (spécialistes, IPA et IDE délégués)")


class AssignForm(_RunnersForm):
    specialist = SpecialistChoiceField(label=_("Spécialiste"), queryset=User.objects.none())
    runners = "specialist"
    protocol_label = _("Qui consulte")


class SwapForm(forms.Form):
    replacement = SpecialistChoiceField(label=_("Remplaçant"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Motif (facultatif)"), max_length=300, required=False)

    def __init__(self, *args, specialty_id=None, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = specialists_of(specialty_id)
        if exclude is not None:
            qs = qs.exclude(pk=exclude.pk)
        self.fields["replacement"].queryset = qs


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Commentaire (facultatif)"), max_length=300, required=False)


# ---------------------------------------------------------------------------------------------
# On-call rosters
# ---------------------------------------------------------------------------------------------
def _date(label):
    return forms.DateField(label=label, widget=DateInput())


def _datetime(label):
    return DateTimeField(label=label)


class _SpecialtyForm(forms.Form):
    specialty = forms.ModelChoiceField(label=_("Spécialité"), queryset=Specialty.objects.none())

    def __init__(self, *args, specialties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].queryset = Specialty.objects.filter(
            pk__in=[s.pk for s in specialties]
        ).order_by("label")


class ShiftsForm(_SpecialtyForm):
    """Preset shifts over a period."""

    first_day = _date(_("Du"))
    last_day = _date(_("Au (inclus)"))
    presets = CheckboxChoiceField(label=_("Gardes types"), choices=ShiftPreset.choices)
    weekdays = CheckboxTypedChoiceField(
        label=_("Jours"), choices=[*Weekday.choices, (6, _("dimanche"))], coerce=int
    )


class ShiftForm(_SpecialtyForm):
    """One custom shift."""

    starts_at = _datetime(_("Début"))
    ends_at = _datetime(_("Fin"))
    note = forms.CharField(label=_("Note (facultatif)"), max_length=200, required=False)


class RosterForm(forms.Form):
    """The period a manager generates or publishes (the specialty comes with the URL)."""

    first_day = _date(_("Du"))
    last_day = _date(_("Au (inclus)"))
    backup = forms.BooleanField(label=_("Avec un renfort (rang 2)"), required=False)


class OnCallAssignForm(AssignForm):
    rank = forms.TypedChoiceField(
        label=_("Rang"), choices=[(1, _("1er appel")), (2, _("Renfort"))], coerce=int
    )

    def __init__(self, *args, volunteers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = User.objects.filter(
            pk__in=[v.pk for v in volunteers]
        ).order_by("last_name", "first_name")


class OnCallSwapForm(SwapForm):
    """The colleague a specialist on duty proposes: a volunteer of their specialty."""

    def __init__(self, *args, volunteers=(), exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = User.objects.filter(
            pk__in=[v.pk for v in volunteers if exclude is None or v.pk != exclude.pk]
        ).order_by("last_name", "first_name")
