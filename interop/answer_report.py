"""The answer of a referral as a document: one report, whichever way it leaves the platform —
the PDF of the secure message (MSSanté) and the one a platform reads in the FHIR
DiagnosticReport."""

from django.utils import timezone

from ess.models import Team
from ess.pdf import html_to_pdf, render_html


def answer_report_files(referral) -> list:
    """The report files the specialist uploaded with the answer (a message's files aside)."""
    return [a for a in referral.attachments.all() if a.is_report and a.message_id is None]


def answer_report_html(referral, *, specialist=None, reports=(), reports_attached=True) -> str:
    """The report as HTML: `specialist` who answered (the referral's specialist by default),
    the report files named in it and whether they go with it."""
    return render_html(
        "pdf/referral_answer.html",
        {
            "referral": referral,
            "patient": referral.patient,
            "specialist": specialist or referral.specialist,
            "team": Team.current(),
            "reports": reports,
            "reports_attached": reports_attached,
            "answered_at": timezone.localtime(referral.answered_at or timezone.now()),
            "today": timezone.localdate(),  # the sheet's footer: "Édité le …"
        },
    )


def answer_report_pdf(referral, **kwargs) -> bytes:
    return html_to_pdf(answer_report_html(referral, **kwargs))
