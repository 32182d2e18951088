"""A training's attendance: the list a speaker ticks on a phone (a plain form, one big box per
person), the printed sign-in sheet, and each attendee's certificate of attendance (PDF)."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ess.audit import audit_record, audit_refusal
from ess.models import AuditAction, Team
from ess.pdf import pdf_attachment, render_pdf
from ess.web.actions import post_action
from ess.web.lookups import object_for_request
from events import permissions as perms
from events.models import Registration, Training
from events.selectors.manage import (
    confirmed_registrations,
    registration_for_certificate,
    training_get_for_attendance,
)
from events.services.attendance import attendance_record
from events.training_forms import AttendanceForm
from members.models import Profession


def hours_label(hours: Decimal) -> str:
    """The certified hours in French: « 1 heure », « 1,5 heure », « 2 heures »."""
    shown = number_format(int(hours) if hours == hours.to_integral_value() else hours)
    return (_("%(n)s heures") if hours >= 2 else _("%(n)s heure")) % {"n": shown}


def _french(function, *args):
    """A value a PDF shows, in French like the rest of it (ess.pdf)."""
    with translation.override("fr"):
        return function(*args)


def _training_for_request(request, public_id) -> Training:
    return object_for_request(request, Training, training_get_for_attendance, public_id)


@login_required
def attendance(request, public_id):
    """Confirmed registrants with a box each; from the training's first day on, the ticks are
    recorded (POST), before it the page says when."""
    training = _training_for_request(request, public_id)
    registrations = confirmed_registrations(training)
    if request.method == "POST":
        form = AttendanceForm(request.POST, registrations=registrations)
        return post_action(
            request,
            lambda data: attendance_record(
                training_id=training.pk, present_ids=data["present"], by=request.user
            ),
            form=form,
            success=_("Présences enregistrées."),
            back=request.path,
        )
    context = {
        "training": training,
        "registrations": registrations,
        "present_count": sum(1 for r in registrations if r.attended),
        "can_record": perms.can_record_attendance(request.user, training),
        "not_started": timezone.localdate(training.starts_at) > timezone.localdate(),
        "hours": hours_label(training.hours),
    }
    return render(request, "events/trainings_attendance.html", context)


@login_required
@require_GET
def attendance_sheet(request, public_id):
    """The printed sign-in sheet: the training, its date and hours, each confirmed registrant
    with an empty box to sign."""
    training = _training_for_request(request, public_id)
    registrations = confirmed_registrations(training)
    audit_record(request=request, action=AuditAction.PRINT, obj=training, label=training.title)
    pdf = render_pdf(
        "pdf/training_attendance_sheet.html",
        {
            "training": training,
            "registrations": registrations,
            "professions": dict(Profession.choices),
            "speakers": list(training.speakers.all()),
            "hours": _french(hours_label, training.hours),
            "team": Team.current(),
            "today": timezone.localdate(),
        },
    )
    day = timezone.localtime(training.starts_at)
    return pdf_attachment(pdf, f"feuille-de-presence-{day:%Y-%m-%d}.pdf")


@require_GET
def certificate(request, public_id):
    """The certificate of attendance of a confirmed registrant marked present: to its holder
    signed in, to whoever follows the registration's link (its id is the secret), to the
    management; 404 for anything else, whether it exists or not."""
    with audit_refusal(request=request, object_type=Registration._meta.label_lower, object_id="-"):
        registration = registration_for_certificate(public_id)
    training = registration.training
    # The registration's id is the link's secret: the trail names the training and the
    # registration's internal number, and keeps the path without the id.
    audit_record(
        request=request,
        action=AuditAction.DOWNLOAD,
        obj=training,
        label=_("Attestation n°%(n)s") % {"n": registration.pk},
        actor=None if request.user.is_authenticated else registration.user,
        path=request.path.replace(str(public_id), "…"),
    )
    start = timezone.localtime(training.starts_at)
    end = timezone.localtime(training.ends_at)
    pdf = render_pdf(
        "pdf/training_certificate.html",
        {
            "registration": registration,
            "training": training,
            "profession": dict(Profession.choices).get(registration.profession, ""),
            "speakers": list(training.speakers.all()),
            "hours": _french(hours_label, training.hours),
            "one_day": start.date() == end.date(),
            "start": start,
            "end": end,
            "team": Team.current(),
            "today": timezone.localdate(),
        },
    )
    return pdf_attachment(pdf, f"attestation-de-presence-{start:%Y-%m-%d}.pdf")
