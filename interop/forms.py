from urllib.parse import unquote

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.forms import CheckboxChoiceField
from interop.fhir.auth import certificate_fingerprint
from interop.models import PlatformScope


class PlatformForm(forms.Form):
    name = forms.CharField(label=_("Nom de la plateforme"), max_length=200)
    scopes = CheckboxChoiceField(label=_("Droits"), choices=PlatformScope.choices)
    certificate = forms.CharField(
        label=_("Certificat client (PEM) ou son empreinte SHA-256"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        help_text=_(
            "Facultatif : pour une plateforme qui s'authentifie par TLS mutuel. Sans certificat, "
            "elle utilise le jeton affiché une seule fois après l'enregistrement."
        ),
    )
    contact_email = forms.EmailField(label=_("Contact technique"), required=False)

    def clean_certificate(self) -> str:
        """The fingerprint: computed from a pasted certificate, or the pasted fingerprint."""
        value = unquote(self.cleaned_data["certificate"].strip())
        if "BEGIN CERTIFICATE" not in value:
            return value
        try:
            return certificate_fingerprint(value)
        except ValueError:
            raise forms.ValidationError(
                _("Ce certificat est illisible : collez-le au format PEM, en entier.")
            ) from None
