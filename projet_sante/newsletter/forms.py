"""Forms of the newsletter pages: shape validation only; services write."""

from django import forms
from django.utils.translation import gettext_lazy as _


def _section(label, *, rows: int) -> forms.CharField:
    """A section of the letter: plain text, escaped when rendered."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=_(
            "Texte simple : une ligne vide sépare les paragraphes, « - » en début de ligne fait "
            "une liste."
        ),
    )


class NewsletterSectionsForm(forms.Form):
    progress = _section(_("Avancement du projet de santé"), rows=6)
    news = _section(_("Actualités"), rows=6)
    events = _section(_("Agenda : événements à venir"), rows=4)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
