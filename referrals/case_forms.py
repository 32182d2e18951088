"""The forms of a case once it is filed: the requester's actions (cancel, answer a question,
write, give feedback) and the ESS side's (triage, request information, reorient, schedule,
answer)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.forms import DateTimeField, RadioTypedChoiceField, TextAreaField
from referrals.forms import MultipleFileField
from referrals.models import IdentityDocument, Priority, ResponseMode


class CancelForm(forms.Form):
    reason = TextAreaField(label=_("Motif de l'annulation"))


class ProvideInfoForm(forms.Form):
    answer = TextAreaField(label=_("Votre réponse"), required=False, rows=3)
    files = MultipleFileField(label=_("Documents"))


class MessageForm(forms.Form):
    body = TextAreaField(label=_("Message"), required=False, rows=3)
    files = MultipleFileField(label=_("Pièces jointes"))


class FeedbackForm(forms.Form):
    YES_NO = [("1", _("Oui")), ("0", _("Non"))]
    useful = RadioTypedChoiceField(
        label=_("La réponse vous a-t-elle été utile ?"),
        choices=YES_NO,
        coerce=lambda v: v == "1",
    )
    avoided_visit = RadioTypedChoiceField(
        label=_("A-t-elle évité une consultation ou un passage aux urgences ?"),
        choices=YES_NO,
        coerce=lambda v: v == "1",
    )


# ---------------------------------------------------------------------------------------------
# ESS side (triage, specialist)
# ---------------------------------------------------------------------------------------------
class TriageForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priorité"), choices=Priority.choices)
    response_mode = forms.ChoiceField(label=_("Mode de réponse"), choices=ResponseMode.choices)
    specialist = forms.ChoiceField(label=_("Confier à"), required=False)
    note = forms.CharField(
        label=_("Note (visible dans l'historique)"), required=False, max_length=500
    )

    def __init__(self, *args, specialists=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Proposer à tous les spécialistes de la spécialité"))]
        choices += [(str(s.public_id), s.triage_label) for s in specialists]
        self.fields["specialist"].choices = choices
        self.specialists = {str(s.public_id): s for s in specialists}

    def clean_specialist(self):
        value = self.cleaned_data["specialist"]
        return self.specialists.get(value) if value else None


class IdentityCheckForm(forms.Form):
    document = forms.ChoiceField(
        label=_("Pièce d'identité présentée"), choices=IdentityDocument.choices
    )


class EmptyForm(forms.Form):
    """A POST with nothing to fill (accept): the CSRF token is the whole form."""


class RequestInfoForm(forms.Form):
    question = TextAreaField(label=_("Question au demandeur"))


class ReorientForm(forms.Form):
    target = forms.CharField(
        label=_("Réorientée vers"),
        max_length=200,
        help_text=_("Ex. : urgences du CHR d'Orléans, centre de référence…"),
    )
    reason = TextAreaField(label=_("Motif"))


class NoteForm(forms.Form):
    note = TextAreaField(label=_("Note interne (jamais visible du demandeur)"))


class ScheduleForm(forms.Form):
    starts_at = DateTimeField(label=_("Date et heure"))
    location = forms.CharField(
        label=_("Lieu"), max_length=200, help_text=_("Adresse du cabinet, ou « Téléconsultation ».")
    )


class AnswerForm(forms.Form):
    # Required on the page too (the service refuses an empty answer): with a report attached,
    # one line saying so is enough.
    answer = TextAreaField(
        label=_("Avis / compte rendu"),
        help_text=_("Une ligne suffit si vous joignez le compte rendu."),
        error_messages={
            "required": _("Rédigez la réponse (une ligne suffit si vous joignez le compte rendu).")
        },
        widget=forms.Textarea(attrs={"rows": 5, "aria-required": "true"}),
    )
    recommended_actions = TextAreaField(
        label=_("Conduite à tenir recommandée"), required=False, rows=3
    )
    consultation_needed = forms.BooleanField(
        label=_(
            "Une consultation est nécessaire (le dossier reste ouvert pour fixer le rendez-vous)"
        ),
        required=False,
    )
    files = MultipleFileField(label=_("Compte rendu (PDF)"))
