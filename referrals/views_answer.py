"""The answer to a request sent (or recorded by the coordination) for a professional without an
account, read through the personal link emailed to them (referrals/answer_links.py).

The link alone shows nothing: the page asks for the professional's RPPS (or ADELI) number, and
only then, for a short while in this browser, shows the answer and its report files. Every read
is audited under the contact's name; a wrong number is refused, audited and throttled.
"""

from datetime import timedelta

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ess.audit import audit_record
from ess.models import AuditAction, AuditOutcome
from ess.throttle import throttled_response
from referrals.answer_links import answer_link_open, answer_link_validity, identifier_matches

# Once the number is given, the answer stays readable this long in the same browser.
READ_FOR = timedelta(minutes=30)


class IdentifierForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("Votre numéro RPPS (ou ADELI)"),
        max_length=20,
        help_text=gettext_lazy("Le numéro de la carte de professionnel de santé, 11 chiffres."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _session_key(referral) -> str:
    return f"answer_link:{referral.public_id}"


def _granted(request, contact, referral) -> bool:
    grant = request.session.get(_session_key(referral))
    return bool(
        grant
        and grant.get("contact") == str(contact.public_id)
        and timezone.now().timestamp() < grant.get("until", 0)
    )


def _audited_path() -> str:
    # The link's secret stays out of the trail.
    return reverse("referrals:answer_without_account", args=["lien"])


def _audit(request, referral, *, actor, outcome=AuditOutcome.ALLOWED) -> None:
    audit_record(
        request=request,
        action=AuditAction.VIEW,
        obj=referral,
        label=referral.reference,
        actor=actor,
        path=_audited_path(),
        outcome=outcome,
    )


def _invalid(request):
    return render(request, "referrals/answer_link_invalid.html", status=404)


@require_http_methods(["GET", "POST"])
def answer_without_account(request, token):
    """GET: the question (RPPS/ADELI), or the answer once it was given in this browser. POST:
    the number; right, the answer shows (redirect to GET); wrong, a French refusal."""
    found = answer_link_open(token)
    if found is None:
        return _invalid(request)
    contact, referral = found
    form = IdentifierForm(request.POST or None)
    if request.method == "POST":
        if throttled := throttled_response(
            request, action="answer_without_account", key=str(referral.public_id)
        ):
            return throttled
        if form.is_valid() and identifier_matches(contact, form.cleaned_data["identifier"]):
            request.session.cycle_key()
            request.session[_session_key(referral)] = {
                "contact": str(contact.public_id),
                "until": (timezone.now() + READ_FOR).timestamp(),
            }
            return redirect(request.path)
        if form.is_valid():
            # Whoever typed it is unknown: no actor.
            _audit(request, referral, actor=None, outcome=AuditOutcome.REFUSED)
            form.add_error(
                "identifier",
                _(
                    "Ce numéro ne correspond pas au professionnel à qui ce lien a été envoyé. "
                    "Vérifiez votre numéro RPPS (ou ADELI), ou appelez la coordination de l'ESS."
                ),
            )
    elif _granted(request, contact, referral):
        _audit(request, referral, actor=contact.stand_in)
        reports = [a for a in referral.attachments.all() if a.is_report and a.message_id is None]
        return render(
            request,
            "referrals/answer_without_account.html",
            {"referral": referral, "contact": contact, "reports": reports, "token": token},
        )
    context = {"form": form, "days": answer_link_validity().days}
    return render(request, "referrals/answer_link_identify.html", context)


@require_GET
def answer_attachment(request, token, attachment_id):
    """A report file of the answer, to the same browser after the same check."""
    found = answer_link_open(token)
    if found is None:
        return _invalid(request)
    contact, referral = found
    if not _granted(request, contact, referral):
        return redirect("referrals:answer_without_account", token=token)
    attachment = referral.attachments.filter(
        public_id=attachment_id, is_report=True, message=None
    ).first()
    if attachment is None:
        raise Http404
    return attachment.download(
        request,
        label=f"{referral.reference} {attachment.original_name}",
        actor=contact.stand_in,
        path=_audited_path() + "pieces/",
    )
