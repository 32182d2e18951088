import uuid

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from ess.forms import (
    CheckboxChoiceField,
    CommuneField,
    RadioChoiceField,
    TextAreaField,
    checkboxes,
    phone_input,
)
from ess.models import Specialty
from ess.roles import Institution, Role
from ess.validators import format_phone, normalize_identifier, validate_adeli, validate_rpps
from members.models import (
    PUBLISHABLE_FIELDS,
    Competence,
    GovernanceKind,
    Membership,
    Organisation,
    Participation,
    PracticeMode,
    Profession,
    Sector,
    User,
)
from members.services import ApplicationInput, SiteInput


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    roles = CheckboxChoiceField(label=_("Rôles"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Pour un demandeur : son cabinet, sa CPTS, son EHPAD…"),
    )


class PasswordSetForm(forms.Form):
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 12 caractères, pas uniquement des chiffres."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, person=None, **kwargs):
        # Whoever sets the password (an invitation, a validated membership): the similarity
        # check compares the password with their name and email.
        self.person = person
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            probe = (
                User(
                    email=self.person.email,
                    first_name=self.person.first_name,
                    last_name=self.person.last_name,
                )
                if self.person
                else None
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


# ---------------------------------------------------------------------------------------------
# Membership: the application (public), the member's entry, the managers' review
# ---------------------------------------------------------------------------------------------
class CompetenceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.specialty.label} — {obj.label}" if obj.specialty_id else obj.label


class EntryForm(forms.Form):
    """What a member declares about their practice: the application and the member's own
    entry share it (the email and the one-time key belong to the application only)."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    phone = forms.CharField(
        label=_("Téléphone personnel"), max_length=30, required=False, widget=phone_input()
    )
    profession = forms.ChoiceField(
        label=_("Profession"),
        choices=[
            (p.value, p.label)
            for p in (
                Profession.PHYSICIAN,
                Profession.ADVANCED_NURSE,
                Profession.NURSE,
                Profession.MIDWIFE,
                Profession.PHARMACIST,
                Profession.PHYSIOTHERAPIST,
            )
        ],
    )
    rpps = forms.CharField(
        label=_("Numéro RPPS"),
        max_length=20,
        required=False,
        help_text=_("11 chiffres (carte CPS, annuaire santé). Requis pour les médecins."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    adeli = forms.CharField(
        label=_("Numéro ADELI"),
        max_length=20,
        required=False,
        help_text=_("Pour les paramédicaux sans RPPS : 9 caractères."),
    )
    specialty = forms.ModelChoiceField(
        label=_("Spécialité"),
        queryset=Specialty.objects.exclude(code="medecine-generale"),
        to_field_name="code",
        required=False,
    )
    competences = CompetenceChoiceField(
        label=_("Sur-spécialités et compétences"),
        queryset=Competence.objects.select_related("specialty").order_by(
            "specialty__label", "label"
        ),
        required=False,
        widget=checkboxes(),
    )
    practice_mode = RadioChoiceField(
        label=_("Mode d'exercice"),
        choices=PracticeMode.choices,
    )
    sector = forms.ChoiceField(label=_("Secteur conventionnel"), choices=Sector.choices)
    participations = forms.MultipleChoiceField(
        label=_("Je participe à"),
        choices=Participation.choices,
        required=False,
        widget=checkboxes(),
    )
    languages = forms.CharField(
        label=_("Langues parlées (en plus du français)"), max_length=200, required=False
    )
    is_public = forms.BooleanField(
        label=_("Figurer sur l'annuaire public (nom et spécialité)"), required=False
    )
    public_fields = forms.MultipleChoiceField(
        label=_("Informations publiées en plus"),
        choices=list(PUBLISHABLE_FIELDS.items()),
        required=False,
        widget=checkboxes(),
    )

    def clean_rpps(self):
        value = normalize_identifier(self.cleaned_data["rpps"])
        if value:
            validate_rpps(value)
        return value

    def clean_adeli(self):
        value = normalize_identifier(self.cleaned_data["adeli"])
        if value:
            validate_adeli(value)
        return value

    def to_input(self, sites, *, email: str = "") -> ApplicationInput:
        d = self.cleaned_data
        return ApplicationInput(
            email=email or d.get("email", ""),
            first_name=d["first_name"],
            last_name=d["last_name"],
            phone=d["phone"],
            profession=d["profession"],
            rpps=d["rpps"],
            adeli=d["adeli"],
            specialty=d["specialty"],
            competences=list(d["competences"]),
            practice_mode=d["practice_mode"],
            sector=d["sector"],
            participations=d["participations"],
            languages=d["languages"],
            is_public=d["is_public"],
            public_fields=d["public_fields"],
            sites=sites,
        )

    @classmethod
    def initial_from(cls, membership) -> dict:
        return {
            "email": membership.email,
            "first_name": membership.first_name,
            "last_name": membership.last_name,
            "phone": format_phone(membership.phone),
            "profession": membership.profession,
            "rpps": membership.rpps,
            "adeli": membership.adeli,
            "specialty": membership.specialty.code if membership.specialty else "",
            "competences": list(membership.competences.all()),
            "practice_mode": membership.practice_mode,
            "sector": membership.sector,
            "participations": [p.value for p in membership.participations],
            "languages": membership.languages,
            "is_public": membership.is_public,
            "public_fields": membership.public_fields,
        }


class ApplicationForm(EntryForm):
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    field_order = ["email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)


class SiteForm(forms.Form):
    address = forms.CharField(label=_("Adresse du lieu d'exercice"), max_length=200)
    commune = CommuneField(label=_("Commune"))
    phone = forms.CharField(
        label=_("Téléphone du lieu"),
        max_length=30,
        required=False,
        widget=phone_input("work tel"),
    )


# One site required, a second offered empty (several sites without JavaScript).
SiteFormSet = forms.formset_factory(SiteForm, extra=1, min_num=1, max_num=5, validate_min=True)


def site_inputs(formset) -> list[SiteInput]:
    return [
        SiteInput(address=f["address"], commune=f["commune"], phone=f["phone"])
        for f in formset.cleaned_data
        if f and f.get("commune")
    ]


def site_initial(membership) -> list[dict]:
    return [
        {"address": s.address, "commune": s.commune.label, "phone": format_phone(s.phone)}
        for s in membership.sites.all()
    ]


class EmptyForm(forms.Form):
    """A POST with nothing to fill (validate, reinstate): the CSRF token is the whole form."""


class NoteForm(forms.Form):
    note = TextAreaField(label=_("Ce qui est à compléter ou corriger"))


class OptionalReasonForm(forms.Form):
    reason = TextAreaField(label=_("Motif (facultatif)"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_("UTF-8 ou Windows-1252, colonnes séparées par « ; » ou « , »."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class GovernanceForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=_("Membre"), queryset=Membership.objects.none(), to_field_name="public_id"
    )
    kind = forms.ChoiceField(label=_("Fonction"), choices=GovernanceKind.choices)
    starts_on = forms.DateField(
        label=_("Depuis le"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Jusqu'au (facultatif)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Précision"), max_length=200, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["membership"].queryset = members


class HeadcountForm(forms.Form):
    specialty = forms.ModelChoiceField(
        queryset=Specialty.objects.all(), to_field_name="code", widget=forms.HiddenInput
    )
    territory_count = forms.IntegerField(label=_("Spécialistes sur le territoire"), min_value=0)


class RegistrationForm(forms.Form):
    """Self-registration: the number and the address (the service checks them against the
    directory). Sent twice: to see what the directory says, then `confirmed` to register."""

    identifier = forms.CharField(
        label=_("Numéro RPPS ou ADELI"),
        max_length=20,
        help_text=_(
            "Le numéro RPPS (11 chiffres) figure sur votre carte CPS ou e-CPS ; les professions "
            "qui n'ont pas encore de RPPS donnent leur numéro ADELI (9 caractères)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Adresse électronique professionnelle"),
        help_text=_("Un lien de confirmation y sera envoyé ; ce sera votre identifiant."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)


class RegistrationRefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif du refus.")},
    )


class AuthorityInstitutionForm(forms.Form):
    """The institution an ARS/CPAM account speaks for (empty: none)."""

    institution = forms.ChoiceField(
        label=_("Institution"),
        choices=[("", _("Aucune")), *Institution.choices],
        required=False,
    )
