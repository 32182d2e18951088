"""Forms of the booking panels of the referral page: which slot or session, nothing more."""

from django import forms


class BookingForm(forms.Form):
    slot = forms.UUIDField(widget=forms.HiddenInput)


class BookSessionForm(forms.Form):
    session = forms.UUIDField()
