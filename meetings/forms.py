"""Forms of the télé-RCP pages: shape validation only; the services write and refuse."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.forms import DateTimeField, TextAreaField
from ess.models import Specialty
from meetings.models import CaseMeeting
from meetings.selectors import (
    contacts_who_may_be_invited,
    meeting_participant_contacts,
    meeting_participant_users,
    meetings_open_to_cases,
    members_who_may_take_part,
)


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        help_text=_("Ex. : RCP insuffisance cardiaque, RCP cardiologie du mois."),
    )
    specialty = forms.ModelChoiceField(
        label=_("Spécialité"), queryset=Specialty.objects.order_by("label"), required=False
    )
    theme = forms.CharField(
        label=_("Thème"),
        max_length=200,
        required=False,
        help_text=_("Une spécialité ou un thème (ex. : sortie d'hospitalisation)."),
    )
    starts_at = DateTimeField(label=_("Date et heure"))
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=5, max_value=600, initial=60
    )
    video_url = forms.URLField(
        label=_("Lien de visioconférence"), required=False, assume_scheme="https"
    )

    @classmethod
    def for_meeting(cls, data, meeting: CaseMeeting):
        initial = {
            name: getattr(meeting, name)
            for name in ("title", "specialty", "theme", "starts_at", "duration_minutes")
        }
        initial["video_url"] = meeting.video_url
        return cls(data, initial=initial)


class _InviteeChoiceField(forms.ModelChoiceField):
    """Someone to invite, among those not in the meeting yet. `already` (set by the form) is who
    is in it: choosing one of them (a form sent again, or from an older page) says so."""

    already = None

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            if self.already is not None and str(value).isdigit():
                person = self.already.filter(pk=value).first()
                if person is not None:
                    raise forms.ValidationError(
                        _("%(name)s fait déjà partie des participants de cette télé-RCP.")
                        % {"name": self.name_of(person)},
                        code="already_invited",
                    ) from None
            raise

    def label_from_instance(self, obj):
        return self.name_of(obj)


class _PersonChoiceField(_InviteeChoiceField):
    def name_of(self, obj) -> str:
        return obj.display_name


class _ContactChoiceField(_InviteeChoiceField):
    def name_of(self, obj) -> str:
        return obj.name

    def label_from_instance(self, obj):
        role = f", {obj.role}" if obj.role else ""
        return f"{obj.name} ({obj.partner.name}{role})"


class ParticipantForm(forms.Form):
    """Someone to invite to `meeting`: only those not in it yet (its organiser and the people
    already invited are not offered)."""

    user = _PersonChoiceField(label=_("Membre de l'ESS"), queryset=None, required=False)
    contact = _ContactChoiceField(
        label=_("Ou un professionnel d'un partenaire (par son contact)"),
        queryset=None,
        required=False,
        help_text=_("Il reçoit l'invitation par courriel, sans aucune donnée de santé."),
    )

    def __init__(self, *args, meeting: CaseMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        # Read for each form: members and contacts added since start-up are offered.
        self.fields["user"].queryset = members_who_may_take_part(meeting)
        self.fields["user"].already = meeting_participant_users(meeting)
        self.fields["contact"].queryset = contacts_who_may_be_invited(meeting)
        self.fields["contact"].already = meeting_participant_contacts(meeting)


class _MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # The local time (Europe/Paris), as every page shows it.
        return f"{obj.title} — {timezone.localtime(obj.starts_at):%d/%m/%Y %H:%M}"


class CaseForm(forms.Form):
    """A case for the agenda: the meeting (unless the page is the meeting's), the referral by
    its reference (unless the page came from the case), and the question asked."""

    meeting = _MeetingChoiceField(label=_("Télé-RCP"), queryset=None, empty_label=None)
    reference = forms.CharField(
        label=_("Référence de la demande"),
        max_length=20,
        help_text=_("Ex. : ESS-2026-000042"),
    )
    question = TextAreaField(label=_("Question posée à la RCP"), rows=3)

    def __init__(self, *args, user, meeting=None, case_known=False, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is None:
            self.fields["meeting"].queryset = meetings_open_to_cases(user)
        else:
            del self.fields["meeting"]
        if case_known:
            del self.fields["reference"]


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Présents"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(p.pk), p.user.display_name if p.user_id else p.contact.name) for p in participants
        ]
        self.initial.setdefault("present", [str(p.pk) for p in participants if p.attended])


class DecisionForm(forms.Form):
    decision = TextAreaField(label=_("Décision de la RCP"), rows=4)
