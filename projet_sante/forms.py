from django import forms
from django.utils.translation import gettext_lazy as _

_HELP = _(
    "Texte simple : une ligne vide sépare les paragraphes, « - » en début de ligne fait une liste."
)


class NewsletterSectionsForm(forms.Form):
    progress = forms.CharField(
        label=_("Avancement du projet de santé"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_HELP,
    )
    news = forms.CharField(
        label=_("Actualités"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_HELP,
    )
    events = forms.CharField(
        label=_("Agenda : événements à venir"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_HELP,
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
