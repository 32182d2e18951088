from django import forms

from members.models import User


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notification_email"]
        widgets = {"notification_email": forms.RadioSelect(attrs={"class": "form-check-input"})}
        help_texts = {"notification_email": "Les urgences (P1, échéances) sont toujours envoyées."}
