"""The immediate-opinion form: the new-referral form's patient part and question, the
specialty among those on call now, and the number to call back."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.forms import phone_input
from ess.validators import normalize_phone
from referrals.forms import ReferralForm, referral_input
from referrals.models import PreferredResponse, Priority
from referrals.services import ReferralInput

# What an immediate opinion does not ask: the urgency and the kind of answer are fixed, the
# callback number replaces the availabilities; the context fits in the question.
LEFT_OUT = ("context", "urgency", "preferred_response", "callback_availability", "files")


class ImmediateForm(ReferralForm):
    callback_phone = forms.CharField(
        label=_("Numéro où vous rappeler"),
        max_length=30,
        help_text=_(
            "Le spécialiste de garde vous rappelle à ce numéro dans les minutes qui suivent."
        ),
        widget=phone_input("tel"),
    )

    def __init__(self, *args, user=None, specialties=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in LEFT_OUT:
            del self.fields[name]
        self.fields["question"].help_text = _(
            "La question et l'essentiel du contexte : le spécialiste la lit avant de vous rappeler."
        )
        if specialties is not None:
            self.fields["specialty"].queryset = specialties
            first = specialties.first()
            if not self.is_bound and first:
                self.initial["specialty"] = first.code
        if not self.is_bound and user is not None and user.phone:
            self.initial.setdefault("callback_phone", user.phone)

    def clean_callback_phone(self):
        return normalize_phone(self.cleaned_data["callback_phone"])


def immediate_input(data: dict) -> ReferralInput:
    """The service's input from the form's cleaned data (the fields it leaves out, fixed)."""
    fixed = {
        "context": "",
        "urgency": Priority.P1,
        "preferred_response": PreferredResponse.OPINION,
        "callback_availability": "",
        "files": [],
    }
    return referral_input({**data, **fixed})
