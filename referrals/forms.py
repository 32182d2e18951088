import uuid

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ess.forms import (
    CommuneField,
    DateInput,
    RadioChoiceField,
    phone_input,
)
from ess.models import Specialty, Team
from ess.roles import Role
from ess.territory import countries, country_code_matching, country_label
from ess.text import fold
from ess.uploads import ACCEPT_ATTRIBUTE
from ess.validators import (
    normalize_nir,
    normalize_phone,
    validate_birth_date,
    validate_long_text,
    validate_nir,
    validate_nir_traits,
    validate_rpps,
)
from members.models import Profession, User
from referrals.models import (
    RECORDED_CHANNELS,
    URGENCY_HELP,
    Channel,
    PreferredResponse,
    Priority,
    Sex,
)
from referrals.patient_fields import (
    BirthPlaceField,
    gp_label,
    suggested_from,
)
from referrals.services import PatientInput, ReferralInput

# A form sent again under its submission key with other data (the first sending stands).
SENT_WITH_OTHER_DATA = _(
    "Ce formulaire a déjà été envoyé avec d'autres données : "
    "rechargez la page pour une nouvelle demande."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by ess.uploads in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def specialty_choices():
    team = Team.current()
    qs = team.specialties.all() if team and team.specialties.exists() else Specialty.objects.all()
    return qs.exclude(code="medecine-generale").order_by("label")


def requester_choices():
    """Professionals with an account who may send requests."""
    return User.objects.filter(role_grants__role=Role.REQUESTER, is_active=True).order_by(
        "last_name", "first_name"
    )


def gp_choices(*, exclude=None):
    """Physicians who use the platform as requesters: a referral can be sent on their behalf."""
    qs = User.objects.filter(
        role_grants__role=Role.REQUESTER, profession=Profession.PHYSICIAN, is_active=True
    ).order_by("last_name", "first_name")
    return qs.exclude(pk=exclude.pk) if exclude is not None else qs


class ReferralForm(forms.Form):
    # A requester's own form: their patients are filled in from the INS (not for the public
    # form, nor for a coordinator recording someone else's request).
    prefill_from_ins = True

    # Patient
    ins = forms.CharField(
        label=_("INS / NIR du patient"),
        required=False,
        max_length=25,
        help_text=_(
            "15 caractères (carte Vitale, attestation). Un patient que vous avez déjà adressé "
            "est repris d'après son INS. Facultatif s'il est inconnu : le lieu de naissance "
            "devient alors obligatoire."
        ),
        # Digits mostly, but "2A"/"2B" for those born in Corsica: the full keyboard stays.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "text",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
    birth_name = forms.CharField(
        label=_("Nom de naissance"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    first_names = forms.CharField(
        label=_("Prénoms de naissance"),
        max_length=150,
        help_text=_("Tous les prénoms, dans l'ordre de l'état civil."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    used_name = forms.CharField(
        label=_("Nom utilisé"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    sex = RadioChoiceField(label=_("Sexe"), choices=Sex.choices)
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        # The ISO date a date input expects, whatever the language of the page.
        widget=DateInput(attrs={"autocomplete": "off"}),
    )
    birth_place_code = BirthPlaceField(
        label=_("Commune de naissance"),
        required=False,
        max_length=120,
        help_text=_("Nom ou code postal ; facultatif si l'INS est saisi."),
    )
    born_abroad = forms.BooleanField(label=_("Né(e) à l'étranger"), required=False)
    birth_country = forms.CharField(
        label=_("Pays de naissance"),
        required=False,
        max_length=100,
        help_text=_("Nom du pays, ou son code INSEE (99 suivi de 3 chiffres)."),
        widget=suggested_from("countries-datalist"),
    )
    commune = CommuneField(label=_("Commune de résidence"))
    phone = forms.CharField(
        label=_("Téléphone du patient"),
        max_length=30,
        required=False,
        # The patient's number, not the user's: no autofill.
        widget=phone_input("off"),
    )
    gp_name = forms.CharField(
        label=_("Médecin traitant du patient"),
        max_length=150,
        required=False,
        help_text=_("Son nom, ou choisissez un médecin inscrit sur la plateforme."),
        widget=suggested_from("gps-datalist"),
    )
    on_behalf = forms.BooleanField(
        label=_("J'écris pour le compte de ce médecin traitant"),
        required=False,
        help_text=_(
            "CPTS, DAC, infirmier·e… : s'il est inscrit, il verra la demande et sera tenu "
            "informé de chaque étape."
        ),
    )
    # Request
    specialty = forms.ModelChoiceField(
        label=_("Spécialité"),
        queryset=Specialty.objects.none(),
        empty_label=None,
        to_field_name="code",
    )
    question = forms.CharField(
        label=_("Question clinique"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que vous attendez du spécialiste."),
        validators=[validate_long_text],
    )
    context = forms.CharField(
        label=_("Contexte"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Antécédents, traitements en cours, résultats récents (ECG, biologie…)."),
        validators=[validate_long_text],
    )
    urgency = RadioChoiceField(
        label=_("Délai souhaité"),
        choices=[(p.value, URGENCY_HELP[p]) for p in Priority],
        initial=Priority.P3,
    )
    preferred_response = RadioChoiceField(
        label=_("Réponse souhaitée"),
        choices=PreferredResponse.choices,
        # Most requests ask for an opinion (télé-expertise): one click fewer for them.
        initial=PreferredResponse.OPINION,
    )
    callback_availability = forms.CharField(
        label=_("Vos disponibilités pour être rappelé"),
        required=False,
        max_length=200,
        help_text=_("Ex. : « lundi-vendredi 12h-14h, 06 00 00 00 00 »."),
    )
    files = MultipleFileField(
        label=_("Pièces jointes"),
        help_text=_("PDF, JPEG, PNG ou texte ; 20 Mo maximum par fichier, 50 Mo par demande."),
    )
    consent = forms.BooleanField(
        label=_(
            "Le patient a été informé et accepte le partage de ces informations avec "
            "l'équipe de soins spécialisés."
        ),
        error_messages={"required": _("Le consentement du patient au partage est requis.")},
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].queryset = specialty_choices()
        # Leaving the INS field fills in a patient this requester already referred.
        if self.prefill_from_ins:
            self.fields["ins"].widget.attrs.update(
                {
                    "hx-post": reverse("referrals:patient_prefill"),
                    "hx-trigger": "change",
                    "hx-params": "ins",
                    "hx-target": "#patient-fields",
                    "hx-swap": "outerHTML",
                }
            )
        self.gps = list(gp_choices(exclude=user))
        self.countries = [country_label(code, name) for code, name in countries()]
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
            first = self.fields["specialty"].queryset.first()
            if first:
                self.initial.setdefault("specialty", first.code)

    @property
    def gp_labels(self) -> list[str]:
        return [gp_label(gp) for gp in self.gps]

    def clean_ins(self):
        ins = normalize_nir(self.cleaned_data["ins"])
        if ins:
            validate_nir(ins)
        return ins

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        validate_birth_date(value)
        return value

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def _registered_gp(self, typed: str):
        """The registered GP the name designates: the offered label, or a name only one has."""
        by_label = [gp for gp in self.gps if gp_label(gp) == typed]
        if by_label:
            return by_label[0]
        by_name = [gp for gp in self.gps if fold(gp.display_name) == fold(typed)]
        return by_name[0] if len(by_name) == 1 else None

    def _clean_birth_country(self, cleaned):
        if not cleaned.get("born_abroad"):
            return
        typed = cleaned.get("birth_country", "").strip()
        code = country_code_matching(typed)
        if code:
            cleaned["birth_place_code"] = code
            self.errors.pop("birth_place_code", None)
        else:
            self.add_error(
                "birth_country",
                _(
                    "Pays inconnu : « %(typed)s ». Choisissez-le dans la liste ou tapez son "
                    "code INSEE (99 suivi de 3 chiffres)."
                )
                % {"typed": typed}
                if typed
                else _("Indiquez le pays de naissance."),
            )

    def _clean_gp(self, cleaned):
        """The patient's GP by name; with the switch, also the GP the referral is sent for (a
        registered one sees it and is kept informed)."""
        cleaned["referring_gp"], cleaned["referring_gp_name"] = None, ""
        name = cleaned.get("gp_name", "").strip()
        gp = self._registered_gp(name) if name else None
        if gp:
            cleaned["gp_name"] = gp.display_name
        if not cleaned.get("on_behalf"):
            return
        if not name:
            self.add_error(
                "gp_name", _("Indiquez le médecin traitant pour le compte duquel vous écrivez.")
            )
            return
        cleaned["referring_gp"] = gp
        cleaned["referring_gp_name"] = cleaned["gp_name"]

    def clean(self):
        cleaned = super().clean()
        self._clean_birth_country(cleaned)
        self._clean_gp(cleaned)
        if (
            not cleaned.get("ins")
            and not cleaned.get("birth_place_code")
            and not any(f in self.errors for f in ("birth_place_code", "ins", "birth_country"))
        ):
            self.add_error(
                "birth_place_code",
                _("Sans INS, le lieu de naissance est obligatoire pour identifier le patient."),
            )
        traits = ("ins", "sex", "birth_date", "birth_place_code", "birth_country")
        if cleaned.get("ins") and not any(name in self.errors for name in traits):
            try:
                validate_nir_traits(
                    cleaned["ins"],
                    sex=cleaned["sex"],
                    birth_date=cleaned["birth_date"],
                    birth_place_code=cleaned.get("birth_place_code", ""),
                )
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


def referral_input(data: dict, kept=()) -> ReferralInput:
    """The service's input from a referral form's cleaned data (and the files kept from a
    refused attempt, referrals.services.pending)."""
    return ReferralInput(
        patient=PatientInput(
            ins=data["ins"],
            birth_name=data["birth_name"],
            first_names=data["first_names"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            birth_place_code=data["birth_place_code"],
            used_name=data["used_name"],
            phone=data["phone"],
            commune=data["commune"],
            gp_name=data["gp_name"],
        ),
        specialty=data["specialty"],
        question=data["question"],
        context=data["context"],
        urgency=data["urgency"],
        preferred_response=data["preferred_response"],
        consent=data["consent"],
        callback_availability=data["callback_availability"],
        referring_gp_name=data["referring_gp_name"],
        referring_gp=data.get("referring_gp"),
        files=data["files"],
        kept_files=list(kept),
    )


OWN_RPPS_HELP = _("11 chiffres, sur votre carte CPS ou dans l'annuaire santé.")


def _rpps_field(help_text=OWN_RPPS_HELP, **kwargs):
    return forms.CharField(
        label=_("Numéro RPPS"),
        max_length=20,
        validators=[validate_rpps],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=help_text,
        **kwargs,
    )


class ReferralWithoutAccountForm(ReferralForm):
    """The same request, from a professional without an account: RPPS and email first."""

    prefill_from_ins = False

    rpps = _rpps_field()
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        help_text=_("Un lien vous y est envoyé : la demande part quand vous l'avez suivi."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    sender_consent = forms.BooleanField(
        label=_(
            "J'accepte que mon identité professionnelle et mon adresse soient enregistrées "
            "pour traiter cette demande et m'en communiquer la réponse."
        ),
        error_messages={"required": _("Votre accord est nécessaire pour traiter la demande.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The platform's users are not listed to the public.
        self.gps = []
        # The sender comes first on the page: their errors head the summary too.
        self.order_fields(["rpps", "email"])


class RecordReferralForm(ReferralForm):
    """A coordinator records a request received by phone, fax or mail for its caller."""

    prefill_from_ins = False

    channel = RadioChoiceField(
        label=_("Reçue par"),
        choices=[(c.value, c.label) for c in RECORDED_CHANNELS],
        initial=Channel.PHONE,
    )
    caller = forms.ModelChoiceField(
        label=_("Professionnel inscrit sur la plateforme"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label=_("— Non inscrit : identifié par son RPPS ci-dessous —"),
    )
    rpps = _rpps_field(
        required=False,
        help_text=_("Celui de l'appelant non inscrit, vérifié dans l'annuaire national."),
    )
    email = forms.EmailField(
        label=_("Adresse électronique du demandeur non inscrit"),
        required=False,
        help_text=_("L'accusé de réception et la réponse lui sont annoncés à cette adresse."),
    )
    caller_phone = forms.CharField(
        label=_("Téléphone du demandeur non inscrit"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caller"].queryset = requester_choices()
        self.order_fields(["channel", "caller", "rpps", "email", "caller_phone"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("caller") is None and "rpps" not in self.errors:
            if not cleaned.get("rpps"):
                self.add_error(
                    "rpps",
                    _("Choisissez le professionnel inscrit, ou saisissez le RPPS de l'appelant."),
                )
            if not cleaned.get("email") and "email" not in self.errors:
                self.add_error(
                    "email",
                    _("L'adresse électronique du demandeur est requise pour lui répondre."),
                )
        return cleaned
