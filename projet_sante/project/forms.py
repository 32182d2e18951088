"""Forms of the health-project pages: shape validation only; services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ess.forms import CheckboxChoiceField, DateInput, TextAreaField, checkboxes
from ess.roles import STAFF_ROLES
from events.models import Campaign
from members.models import User
from projet_sante.indicators.registry import REGISTRY
from projet_sante.project.models import ActionStatus, MissionKind, SectionKey


class SectionForm(forms.Form):
    body = forms.CharField(
        label=_("Texte (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
    )
    # The section's revision when the form was shown: a save by someone else since is refused.
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MissionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=MissionKind.choices)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    description = TextAreaField(label=_("Description"), required=False, rows=4)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class CampaignChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _("%(title)s (du %(first)s au %(last)s)") % {
            "title": obj.title,
            "first": obj.starts_on.strftime("%d/%m/%Y"),
            "last": obj.ends_on.strftime("%d/%m/%Y"),
        }


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    owner = OwnerChoiceField(
        label=_("Pilote (membre de l'ESS)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— aucun —"),
    )
    owner_name = forms.CharField(
        label=_("Pilote (autre)"),
        max_length=150,
        required=False,
        help_text=_("Un partenaire ou une personne hors de la plateforme, ex. « CPTS Giennoise »."),
    )
    target_date = forms.DateField(label=_("Échéance"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("État"), choices=ActionStatus.choices)
    progress = forms.IntegerField(label=_("Avancement (%)"), min_value=0, max_value=100, initial=0)
    indicator_codes = CheckboxChoiceField(
        label=_("Indicateurs suivis"),
        required=False,
        help_text=_("Les indicateurs du tableau de bord qui mesurent cette action."),
    )
    campaigns = CampaignChoiceField(
        label=_("Campagnes de santé publique"),
        queryset=Campaign.objects.none(),
        required=False,
        widget=checkboxes(),
        help_text=_(
            "Les campagnes qui mettent cette action en œuvre : leurs comptes (personnes "
            "touchées, dépistages, orientations) figurent dans le PDF du projet."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(role_grants__role__in=STAFF_ROLES, is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["indicator_codes"].choices = [(i.code, str(i.label)) for i in REGISTRY]
        self.fields["campaigns"].queryset = Campaign.objects.order_by("-starts_on", "title")


class AnnexForm(forms.Form):
    title = forms.CharField(label=_("Intitulé de l'annexe"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Fichier"), help_text=_("PDF, JPEG, PNG ou texte ; taille limitée.")
    )


class CommentForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Porte sur"),
        choices=[("", _("La version dans son ensemble")), *SectionKey.choices],
        required=False,
    )
    body = TextAreaField(label=_("Commentaire"), rows=3)


class RevisionForm(forms.Form):
    reason = TextAreaField(label=_("Ce qui doit être revu"), rows=3)


class ValidateForm(forms.Form):
    note = TextAreaField(label=_("Observation (facultative)"), required=False)
