"""The pathway pages' forms: shape only; the services decide the rest."""

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.forms import DateInput, ReasonForm, TextAreaField
from ess.roles import Role
from pathways.models import CircleRole, PathwayStatus
from pathways.selectors import protocols_applicable_by
from pathways.services import DAY_ZERO_AFTER, DAY_ZERO_BEFORE
from referrals.selectors import referral_visible_by_reference

# A reference the user cannot see reads like one that does not exist.
UNKNOWN_REFERENCE = _("Aucune demande de ce numéro parmi celles que vous voyez.")


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class _ProtocolChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.convention.title


class PathwayOpenForm(forms.Form):
    """Open a pathway: its title, the protocol it follows (among those the user may apply now)
    and the delegated professional (among those protocols' delegates). A coordinator starting
    from /parcours/nouveau/ names the referral by its reference."""

    reference = forms.CharField(
        label=_("Référence de la demande"),
        max_length=20,
        help_text=_("La demande d'avis dont le patient entre dans le parcours (ESS-…)."),
    )
    title = forms.CharField(
        label=_("Intitulé du parcours"),
        max_length=200,
        help_text=_("Par exemple : suivi IPA selon le protocole insuffisance cardiaque."),
    )
    protocol = _ProtocolChoice(
        label=_("Protocole"),
        queryset=None,
        required=False,
        empty_label=_("Sans protocole"),
    )
    delegate = _PersonChoice(
        label=_("Professionnel délégué (IPA, IDE)"),
        queryset=None,
        required=False,
        empty_label=_("—"),
    )
    started_on = forms.DateField(
        label=_("Début du parcours (J0)"),
        widget=DateInput(),
    )
    # Drawn once per form shown: sending it again (Back, a double click) opens nothing more.
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, user, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        protocols = protocols_applicable_by(user)
        self.fields["protocol"].queryset = protocols
        self.fields["delegate"].queryset = (
            get_user_model()
            .objects.filter(
                protocols_delegated__in=protocols.values("pk"),
                role_grants__role=Role.PARAMEDIC,
                is_active=True,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        today = timezone.localdate()
        self.fields["started_on"].initial = today
        # The bounds the service holds to, for the browser's date picker too.
        self.fields["started_on"].widget.attrs.update(
            min=(today - DAY_ZERO_BEFORE).isoformat(), max=(today + DAY_ZERO_AFTER).isoformat()
        )
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
        if referral is not None:
            del self.fields["reference"]

    def clean_reference(self):
        self.referral = referral_visible_by_reference(self.user, self.cleaned_data["reference"])
        if self.referral is None:
            raise forms.ValidationError(UNKNOWN_REFERENCE)
        return self.referral.reference

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "referral": self.referral,
            "title": data["title"],
            "protocol": data["protocol"],
            "delegate": data["delegate"],
            "started_on": data["started_on"],
            "submission_key": data["submission_key"],
        }


class ReferralLinkForm(forms.Form):
    """Another referral of the pathway's patient, named by its reference."""

    reference = forms.CharField(label=_("Référence de la demande"), max_length=20)


class PathwayListFilter(forms.Form):
    statut = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous")), *PathwayStatus.choices],
    )


class NoteForm(forms.Form):
    text = TextAreaField(label=_("Note"), rows=3)


class PauseForm(forms.Form):
    note = forms.CharField(label=_("Pourquoi (facultatif)"), required=False, max_length=500)


CloseForm = ReasonForm


class CircleAddForm(forms.Form):
    """Someone to add to the care circle, named by the email address of their account."""

    email = forms.EmailField(label=_("Courriel du professionnel"))
    role = forms.ChoiceField(label=_("Rôle dans le parcours"), choices=CircleRole.choices)

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Aucun compte ne porte cette adresse."))
        self.cleaned_data["user"] = user
        return email


class TaskRecordForm(forms.Form):
    result = TextAreaField(
        label=_("Résultat"),
        rows=3,
        help_text=_("Ce que vous avez relevé (constantes, symptômes, traitement, bilan)."),
    )
    out_of_range = forms.BooleanField(
        label=_("Hors des valeurs attendues : alerter le médecin"), required=False
    )


TaskCancelForm = ReasonForm


class AlertAnswerForm(forms.Form):
    answer = TextAreaField(
        label=_("Votre réponse"),
        rows=4,
        help_text=_(
            "La conduite à tenir : elle est transmise au professionnel délégué et au médecin "
            "traitant."
        ),
    )
