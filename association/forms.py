"""Forms of the association's pages: shape validation only; the services write and refuse."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from association.models import AssemblyKind, GeneralAssembly, LegalIdentity, PaymentMeans
from association.selectors import active_members
from ess.forms import DateInput, DateTimeField, TextAreaField


class IdentityForm(forms.Form):
    rna = forms.CharField(
        label=_("Numéro RNA"), max_length=20, required=False, help_text=_("Ex. : W451234567")
    )
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)
    seat_address = TextAreaField(label=_("Adresse du siège"), required=False, rows=3)
    signatory_name = forms.CharField(label=_("Signataire"), max_length=200, required=False)
    signatory_function = forms.CharField(
        label=_("Qualité du signataire"),
        max_length=100,
        required=False,
        help_text=_("Ex. : président"),
    )

    @classmethod
    def for_identity(cls, data, identity: LegalIdentity | None):
        initial = {}
        if identity is not None:
            initial = {name: getattr(identity, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class StatutesForm(forms.Form):
    upload = forms.FileField(label=_("Statuts (PDF)"))


class AssemblyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=AssemblyKind.choices)
    starts_at = DateTimeField(label=_("Date et heure"))
    place = forms.CharField(label=_("Lieu"), max_length=300, required=False)
    video_url = forms.URLField(
        label=_("Lien de visioconférence"), required=False, assume_scheme="https"
    )
    agenda = TextAreaField(label=_("Ordre du jour"), rows=6)
    quorum = forms.CharField(
        label=_("Quorum (part des membres)"),
        max_length=10,
        required=False,
        help_text=_("Ex. : 0,5 pour la moitié des membres, présents ou représentés."),
    )
    max_proxies = forms.IntegerField(
        label=_("Procurations par membre présent"), min_value=0, max_value=20, required=False
    )

    @classmethod
    def for_assembly(cls, data, assembly: GeneralAssembly | None):
        if assembly is None:
            defaults = GeneralAssembly()
            return cls(
                data, initial={"quorum": defaults.quorum, "max_proxies": defaults.max_proxies}
            )
        names = ("kind", "starts_at", "place", "video_url", "agenda", "quorum", "max_proxies")
        initial = {name: getattr(assembly, name) for name in names}
        initial["starts_at"] = timezone.localtime(assembly.starts_at)
        initial["minutes_notes"] = assembly.minutes_notes
        form = cls(data, initial=initial)
        form.fields["minutes_notes"] = TextAreaField(
            label=_("Compte rendu des débats"), required=False, rows=6
        )
        return form


class _MemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _members():
    return active_members().order_by("last_name", "first_name")


class AttendanceForm(forms.Form):
    membership = _MemberField(label=_("Membre"), queryset=_members())
    proxy_holder = _MemberField(
        label=_("Représenté(e) par"),
        queryset=_members(),
        required=False,
        help_text=_(
            "Vide : le membre est présent. Sinon : le membre présent qui détient sa procuration."
        ),
    )


class AttendanceRemoveForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("Résolution"), max_length=300)
    text = TextAreaField(label=_("Texte"), required=False, rows=3)
    votes_for = forms.IntegerField(label=_("Pour"), min_value=0)
    votes_against = forms.IntegerField(label=_("Contre"), min_value=0)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, initial=0)
    qualified_majority = forms.CharField(
        label=_("Majorité qualifiée"),
        max_length=10,
        required=False,
        help_text=_(
            "Vide : majorité simple. Sinon, la part des suffrages exprimés requise, au centième "
            "près : ex. 0,67 pour les deux tiers, 0,75 pour les trois quarts."
        ),
    )


class FeeYearForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    amount = forms.CharField(label=_("Montant (€)"), max_length=20)


class FeePaymentForm(forms.Form):
    membership = _MemberField(label=_("Membre"), queryset=_members())
    paid_on = forms.DateField(
        label=_("Date du paiement"), widget=DateInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    amount = forms.CharField(
        label=_("Montant (€)"),
        max_length=20,
        required=False,
        help_text=_("Vide : le montant de la cotisation de l'année."),
    )
    means = forms.ChoiceField(label=_("Moyen de paiement"), choices=PaymentMeans.choices)

    def __init__(self, *args, unpaid_of=None, **kwargs):
        """`unpaid_of` (a FeeYear): offer only the members who have not paid it yet."""
        super().__init__(*args, **kwargs)
        if unpaid_of is not None:
            self.fields["membership"].queryset = _members().exclude(
                fee_payments__fee_year=unpaid_of
            )
