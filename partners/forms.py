"""Forms of the partner pages: shape validation only; the services write."""

import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.forms import CommuneField, DateInput, TextAreaField, checkboxes, phone_input
from ess.models import Commune, Departement, Specialty
from ess.roles import STAFF_ROLES, Role
from ess.validators import normalize_identifier
from members.models import Organisation, OrganisationKind, User
from partners.models import (
    Contact,
    Convention,
    ConventionKind,
    DocumentType,
    Partner,
    PartnerType,
    ProtocolTaskKind,
    convention_date_errors,
)


def staff_users():
    return (
        User.objects.filter(role_grants__role__in=STAFF_ROLES, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _referent_field():
    """The ESS staff member who follows a partner or a convention (the form's __init__ sets the
    queryset again, so that staff added since start-up are offered)."""
    return StaffChoiceField(label=_("Référent dans l'ESS"), queryset=staff_users(), required=False)


def _type_field(queryset):
    return forms.ModelChoiceField(label=_("Type"), queryset=queryset, empty_label=None)


class PartnerForm(forms.ModelForm):
    type = _type_field(PartnerType.objects.all())
    commune = CommuneField(label=_("Commune"), required=False)
    covered_departements = forms.ModelMultipleChoiceField(
        label=_("Départements couverts"),
        queryset=Departement.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    covered_communes_codes = forms.CharField(
        label=_("Communes couvertes"),
        required=False,
        help_text=_("Codes INSEE séparés par des espaces ou des virgules, ex. 45234 45208."),
    )
    # Typed with spaces as printed on documents: normalised, then checked by the model's validators.
    finess = forms.CharField(
        label=_("FINESS"),
        required=False,
        max_length=20,
        help_text=_("9 caractères, clé comprise (établissements et structures sanitaires)."),
    )
    siret = forms.CharField(
        label=_("SIRET"), required=False, max_length=25, help_text=_("14 chiffres.")
    )
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")
    referent = _referent_field()
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations de demandeurs rattachées"),
        queryset=Organisation.objects.exclude(kind=OrganisationKind.AUTHORITY).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Les demandes de leurs membres sont comptées comme venant de ce partenaire."),
    )

    class Meta:
        model = Partner
        fields = [
            "type",
            "name",
            "finess",
            "siret",
            "address",
            "commune",
            "covered_departements",
            "website",
            "referent",
            "notes",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = [
        "type",
        "name",
        "finess",
        "siret",
        "address",
        "commune",
        "covered_departements",
        "covered_communes_codes",
        "website",
        "referent",
        "organisations",
        "notes",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = staff_users()
        if self.instance.pk:
            self.initial["commune"] = self.instance.commune.label if self.instance.commune else ""
            self.initial["covered_communes_codes"] = " ".join(
                self.instance.covered_communes.values_list("code", flat=True)
            )
            self.initial["organisations"] = list(
                self.instance.organisations.values_list("pk", flat=True)
            )

    def clean_finess(self):
        return normalize_identifier(self.cleaned_data["finess"]).upper()

    def clean_siret(self):
        return normalize_identifier(self.cleaned_data["siret"])

    def clean_covered_communes_codes(self):
        codes = [
            c.upper()
            for c in re.split(r"[\s,;]+", self.cleaned_data["covered_communes_codes"])
            if c
        ]
        communes = list(Commune.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {c.code for c in communes})
        if unknown:
            raise forms.ValidationError(
                _("Codes INSEE inconnus : %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return communes

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["covered_communes"] = data.pop("covered_communes_codes")
        return data


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "newsletter"]
        # A contact's number, not the user's: no autofill.
        widgets = {"phone": phone_input("off")}

    def clean(self):
        data = super().clean()
        if data.get("newsletter") and not data.get("email"):
            self.add_error(
                "email",
                _("Pour recevoir la lettre d'information, le contact a besoin d'un courriel."),
            )
        return data


class PartyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ConventionForm(forms.ModelForm):
    kind = _type_field(ConventionKind.objects.all())
    parties = PartyChoiceField(
        label=_("Partenaires signataires"),
        queryset=Partner.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    referent = _referent_field()

    class Meta:
        model = Convention
        fields = [
            "kind",
            "title",
            "parties",
            "object",
            "commitments",
            "referent",
            "effective_on",
            "end_on",
            "next_evaluation_on",
        ]
        widgets = {
            "object": forms.Textarea(attrs={"rows": 3}),
            "commitments": forms.Textarea(attrs={"rows": 4}),
            "effective_on": DateInput(),
            "end_on": DateInput(),
            "next_evaluation_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = staff_users()
        self.fields["parties"].queryset = Partner.objects.order_by("name")

    def clean(self):
        data = super().clean()
        dates = (data.get(f) for f in ("effective_on", "end_on", "next_evaluation_on"))
        for field, message in convention_date_errors(*dates).items():
            self.add_error(field, message)
        return data

    def _post_clean(self):
        # The service validates the instance (with the status it owns); the form checks shape.
        pass


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document"), choices=DocumentType.choices)
    file = forms.FileField(
        label=_("Fichier"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.txt"}),
    )


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signée le"), widget=DateInput())
    effective_on = forms.DateField(
        label=_("Prise d'effet"),
        required=False,
        widget=DateInput(),
        help_text=_("Vide : la date déjà prévue, sinon la date de signature."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()


class TerminateForm(forms.Form):
    reason = TextAreaField(label=_("Motif de la résiliation"))


# ---------------------------------------------------------------------------------------------
# Protocols
# ---------------------------------------------------------------------------------------------
class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _people_field(label, help_text):
    return PersonChoiceField(
        label=label,
        queryset=User.objects.none(),
        required=False,
        widget=checkboxes(),
        help_text=help_text,
    )


def _holders_of(role, chosen):
    """The active holders of `role`, and whoever is already chosen, by name."""
    return (
        User.objects.filter(Q(role_grants__role=role, is_active=True) | Q(pk__in=chosen))
        .distinct()
        .order_by("last_name", "first_name")
    )


class ProtocolForm(forms.Form):
    specialty = forms.ModelChoiceField(
        label=_("Spécialité"), queryset=Specialty.objects.order_by("label"), required=False
    )
    eligibility = TextAreaField(
        label=_("Critères d'éligibilité"),
        rows=4,
        required=False,
        help_text=_("Les patients à qui le protocole s'applique, en quelques phrases."),
    )
    delegating_doctors = _people_field(
        _("Médecins délégants"), _("Des médecins spécialistes membres de l'ESS.")
    )
    delegates = _people_field(
        _("Professionnels délégués"),
        _("Des professionnels paramédicaux de l'ESS (IPA, IDE) ; personne d'autre."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any staff member is accepted by the form, so that the service names who may not
        # delegate or be delegated to; the boxes offer the specialists and the paramedics.
        offered = {"delegating_doctors": Role.SPECIALIST, "delegates": Role.PARAMEDIC}
        for name, role in offered.items():
            field = self.fields[name]
            field.queryset = staff_users()
            field.choices = [
                (u.pk, u.display_name) for u in _holders_of(role, self.initial.get(name, []))
            ]


class TaskTemplateForm(forms.Form):
    template_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Tâche"), max_length=150, required=False)
    kind = forms.ChoiceField(
        label=_("Nature"), choices=ProtocolTaskKind.choices, initial=ProtocolTaskKind.OTHER
    )
    day = forms.IntegerField(label=_("Jour (J+n)"), required=False)
    instructions = TextAreaField(label=_("Consignes"), required=False)

    def is_blank(self) -> bool:
        """An extra line left empty: nothing to add."""
        data = self.cleaned_data
        return not data.get("template_id") and not data.get("label") and data.get("day") is None


TaskTemplateFormSet = forms.formset_factory(
    TaskTemplateForm, extra=2, can_delete=True, max_num=60, validate_max=True
)
