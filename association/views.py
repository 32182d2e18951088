"""Association pages: the association's page (legal identity, statutes, assemblies, fees), an
assembly's page (attendance and proxies, quorum, resolutions and votes, workflow buttons), the
minutes as a PDF, and the fees of a year with their CSV export.

Each view validates the shape of the input, calls one service, renders. Access starts from
selectors.assembly_get_for_user (404 for what the caller may not see) and permissions.can_*
(403)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from association import forms, selectors, services
from association import permissions as perms
from association.models import FeeYear, GeneralAssembly, LegalIdentity, Statutes
from ess.forms import ReasonForm
from ess.models import Team
from ess.money import euros
from ess.pdf import pdf_attachment, render_pdf
from ess.permissions import require
from ess.web.actions import PageActions, form_page, post_action
from ess.web.form_pages import ObjectFormPages
from ess.web.lookups import object_for_request
from ess.web.spreadsheet import csv_response
from ess.workflow import available_actions


def assembly_for_request(request, public_id) -> GeneralAssembly:
    """The assembly a page or action is about; a refusal (404) is written to the audit trail."""
    return object_for_request(request, GeneralAssembly, selectors.assembly_get_for_user, public_id)


def assembly_for_manager(request, public_id) -> GeneralAssembly:
    """The assembly an action of the management is about: 404 as for its page, then 403 for
    anyone else, before any input is read."""
    assembly = assembly_for_request(request, public_id)
    require(perms.can_manage_association(request.user))
    return assembly


def _assembly_url(assembly) -> str:
    return reverse("association:assembly_detail", args=[assembly.public_id])


def _home() -> str:
    return reverse("association:home")


# ---------------------------------------------------------------------------------------------
# The association's page
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def association_home(request):
    user = request.user
    require(perms.can_view_association(user))
    manager = perms.can_manage_association(user)
    membership = perms.active_membership(user)
    this_year = timezone.localdate().year
    context = {
        "identity": LegalIdentity.current(),
        "statutes": Statutes.objects.first(),
        "assemblies": selectors.assembly_list(user),
        "can_manage": manager,
        "fee_years": selectors.fee_years() if manager else [],
        "own_fees": selectors.member_fees(membership) if membership else [],
        "fee_year_form": forms.FeeYearForm(initial={"year": this_year}) if manager else None,
        "this_year": this_year,
    }
    return render(request, "association/home.html", context)


@login_required
def identity_edit(request):
    require(perms.can_manage_association(request.user))
    return form_page(
        request,
        forms.IdentityForm.for_identity(request.POST or None, LegalIdentity.current()),
        lambda data: services.legal_identity_update(by=request.user, **data),
        success=_("Identité de l'association enregistrée."),
        done=_home(),
        template="association/identity_form.html",
        context={"statutes_form": forms.StatutesForm()},
    )


@login_required
@require_POST
def statutes_upload(request):
    require(perms.can_manage_association(request.user))
    return post_action(
        request,
        lambda data: services.statutes_upload(by=request.user, upload=data["upload"]),
        form=forms.StatutesForm(request.POST, request.FILES),
        success=_("Statuts déposés."),
        back=reverse("association:identity_edit"),
        done=_home(),
    )


@login_required
@require_GET
def statutes_download(request):
    require(perms.can_view_association(request.user))
    statutes = Statutes.objects.first()
    if statutes is None:
        raise Http404
    return statutes.download(request, label=_("Statuts de l'association"))


# ---------------------------------------------------------------------------------------------
# Assemblies
# ---------------------------------------------------------------------------------------------
assembly_pages = ObjectFormPages(
    name="assembly",
    template="association/assembly_form.html",
    create=services.assembly_create,
    update=services.assembly_update,
    done=_assembly_url,
)


@login_required
def assembly_create(request):
    require(perms.can_manage_association(request.user))
    return assembly_pages.create_page(
        request,
        forms.AssemblyForm.for_assembly(request.POST or None, None),
        success=_("Assemblée générale programmée."),
    )


@login_required
def assembly_edit(request, public_id):
    assembly = assembly_for_manager(request, public_id)
    require(perms.can_edit_assembly(request.user, assembly))
    return assembly_pages.edit_page(
        request,
        assembly,
        forms.AssemblyForm.for_assembly(request.POST or None, assembly),
        success=_("Assemblée générale mise à jour."),
    )


@login_required
@require_GET
def assembly_detail(request, public_id):
    user = request.user
    assembly = assembly_for_request(request, public_id)
    manager = perms.can_manage_association(user)
    attendances = selectors.assembly_attendances(assembly) if manager else []
    record = perms.can_record_attendance(user, assembly)
    context = {
        "assembly": assembly,
        "actions": available_actions(user, assembly),
        "can_manage": manager,
        "can_edit": perms.can_edit_assembly(user, assembly),
        "can_record": record,
        "can_read_minutes": perms.can_read_minutes(user, assembly),
        "attendances": attendances,
        "quorum": selectors.assembly_quorum(assembly, attendances) if manager else None,
        "resolutions": selectors.assembly_resolutions(assembly),
        "attendance_form": forms.AttendanceForm() if record else None,
        "resolution_form": forms.ResolutionForm() if record else None,
        "cancel_form": ReasonForm(),
    }
    return render(request, "association/assembly_detail.html", context)


assembly_actions = PageActions(
    route="assemblees/<uuid:public_id>/",
    lookup=assembly_for_manager,
    id_kwarg="assembly_id",
    back=lambda request, assembly: _assembly_url(assembly),
)
assembly_convene = assembly_actions.view(
    "convoquer/",
    "convene",
    services.assembly_convene,
    gettext_lazy("Assemblée convoquée : chaque membre reçoit sa convocation par courriel."),
)
assembly_hold = assembly_actions.view(
    "tenir/", "hold", services.assembly_hold, gettext_lazy("Assemblée marquée tenue.")
)
assembly_cancel = assembly_actions.view(
    "annuler/",
    "cancel",
    services.assembly_cancel,
    gettext_lazy("Assemblée annulée."),
    ReasonForm,
)
attendance_record = assembly_actions.view(
    "presences/",
    "attendance",
    services.attendance_record,
    gettext_lazy("Présence enregistrée."),
    forms.AttendanceForm,
    data=lambda request, cleaned: {
        "membership_id": cleaned["membership"].pk,
        "proxy_holder_id": cleaned["proxy_holder"].pk if cleaned["proxy_holder"] else None,
    },
)
attendance_remove = assembly_actions.view(
    "presences/retirer/",
    "attendance_remove",
    services.attendance_remove,
    gettext_lazy("Ligne de présence retirée."),
    forms.AttendanceRemoveForm,
    data=lambda request, cleaned: {"membership_id": cleaned["membership"]},
)
resolution_record = assembly_actions.view(
    "resolutions/",
    "resolution",
    services.resolution_record,
    gettext_lazy("Résolution et vote enregistrés."),
    forms.ResolutionForm,
)


@login_required
@require_GET
def minutes_pdf(request, public_id):
    """The minutes of a held assembly: the association, the assembly, attendance and proxies,
    the quorum, each resolution with its vote and outcome, the signatory."""
    assembly = assembly_for_request(request, public_id)
    if not perms.can_read_minutes(request.user, assembly):
        raise Http404
    attendances = selectors.assembly_attendances(assembly)
    pdf = render_pdf(
        "pdf/assembly_minutes.html",
        {
            "assembly": assembly,
            "attendances": attendances,
            "quorum": selectors.assembly_quorum(assembly, attendances),
            "resolutions": selectors.assembly_resolutions(assembly),
            "identity": LegalIdentity.current(),
            "team": Team.current(),
            "today": timezone.localdate(),
        },
    )
    day = timezone.localtime(assembly.starts_at)
    return pdf_attachment(pdf, f"proces-verbal-ag-{day:%Y-%m-%d}.pdf")


# ---------------------------------------------------------------------------------------------
# Membership fees
# ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def fee_year_set(request):
    require(perms.can_manage_association(request.user))
    return post_action(
        request,
        lambda data: services.fee_year_set(by=request.user, **data),
        form=forms.FeeYearForm(request.POST),
        success=lambda f: (
            _("Cotisation %(year)s : %(amount)s.") % {"year": f.year, "amount": euros(f.amount)}
        ),
        back=_home(),
        done=lambda f: reverse("association:fees", args=[f.year]),
    )


def _fee_year(request, year: int) -> FeeYear:
    require(perms.can_manage_association(request.user))
    return get_object_or_404(FeeYear, year=year)


@login_required
@require_GET
def fees(request, year: int):
    fee_year = _fee_year(request, year)
    context = {
        "status": selectors.fee_status(fee_year),
        "payment_form": forms.FeePaymentForm(
            initial={"paid_on": timezone.localdate()}, unpaid_of=fee_year
        ),
    }
    return render(request, "association/fees.html", context)


@login_required
@require_POST
def fee_payment_record(request, year: int):
    fee_year = _fee_year(request, year)
    return post_action(
        request,
        lambda data: services.fee_payment_record(
            by=request.user,
            year=fee_year.year,
            membership_id=data["membership"].pk,
            paid_on=data["paid_on"],
            amount=data["amount"],
            means=data["means"],
        ),
        form=forms.FeePaymentForm(request.POST),
        success=lambda p: (
            _("Cotisation de %(name)s enregistrée.") % {"name": p.membership.display_name}
        ),
        back=reverse("association:fees", args=[fee_year.year]),
    )


@login_required
@require_GET
def fees_export(request, year: int):
    """Who paid the year's fee and who has not, one line per active or paying member."""
    status = selectors.fee_status(_fee_year(request, year))
    header = [_("Nom"), _("Prénom"), _("Courriel"), _("Payé le"), _("Montant (€)"), _("Moyen")]

    def rows():
        yield header
        for p in status.payments:
            m = p.membership
            yield [
                m.last_name,
                m.first_name,
                m.email,
                p.paid_on.strftime("%d/%m/%Y"),
                f"{p.amount:.2f}".replace(".", ","),
                p.get_means_display(),
            ]
        for m in status.unpaid:
            yield [m.last_name, m.first_name, m.email, _("non payée"), "", ""]

    return csv_response(rows(), f"cotisations-{status.fee_year.year}.csv")
