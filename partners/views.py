"""Partner pages: the list, a partner's page, conventions with their documents and lifecycle, and
the convention register (page, CSV, PDF).

Each view validates the shape of the input, calls one service, renders. Access starts from
selectors.*_get_for_user (404 for what the caller may not see) and permissions.can_* (403).
"""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ess.audit import audit_record, audit_record_many
from ess.errors import TransitionNotAllowed
from ess.models import AuditAction, Departement, Team
from ess.pdf import pdf_attachment, render_pdf
from ess.workflow import available_actions
from partners import forms, services
from partners import permissions as perms
from partners.hooks import partner_page_sections
from partners.models import ConventionKind, ConventionStatus, Partner, PartnerType
from partners.selectors import (
    contact_get,
    convention_documents,
    convention_get_for_user,
    convention_history,
    convention_register,
    document_get_for_user,
    partner_detail,
    partner_get_for_user,
    partner_list,
    partners_visible_to,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


# ---------------------------------------------------------------------------------------------
# Partners
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def partner_list_view(request):
    _require(perms.can_view_partners(request.user))
    filters = {
        "type_code": request.GET.get("type", ""),
        "departement": request.GET.get("departement", ""),
        "convention": request.GET.get("convention", ""),
        "search": request.GET.get("q", "").strip(),
    }
    if filters["convention"] not in ("", "active", "none"):
        filters["convention"] = ""
    page = Paginator(partner_list(request.user, **filters), 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "types": PartnerType.objects.all(),
        "departements": Departement.objects.filter(code__in=_territory_codes()).order_by("code"),
        "can_manage": perms.can_manage_partners(request.user),
        "can_view_register": perms.can_view_convention_register(request.user),
    }
    template = "partners/_partner_table.html" if request.htmx else "partners/partner_list.html"
    return render(request, template, context)


def _territory_codes() -> list[str]:
    """Départements offered in the territory filter: the ESS's, and those partners are in."""
    codes = set(Partner.objects.values_list("commune__departement_id", flat=True))
    codes |= set(
        Partner.covered_departements.through.objects.values_list("departement_id", flat=True)
    )
    team = Team.current()
    if team:
        codes |= set(team.departements.values_list("code", flat=True))
    return sorted(c for c in codes if c)


@login_required
def partner_create(request):
    _require(perms.can_manage_partners(request.user))
    form = forms.PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(by=request.user, **form.service_fields())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Partenaire « %(name)s » créé.") % {"name": partner.name})
            return redirect("partners:detail", public_id=partner.public_id)
    return render(request, "partners/partner_form.html", {"form": form, "partner": None})


@login_required
def partner_edit(request, public_id):
    partner = partner_get_for_user(request.user, public_id)
    _require(perms.can_manage_partners(request.user))
    form = forms.PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(partner_id=partner.pk, by=request.user, **form.service_fields())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Partenaire mis à jour."))
            return redirect("partners:detail", public_id=partner.public_id)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


@login_required
@require_GET
def partner_detail_view(request, public_id):
    user = request.user
    partner = partner_get_for_user(user, public_id)
    context = {
        "partner": partner,
        **partner_detail(partner),
        "can_manage": perms.can_manage_partners(user),
        "contact_form": forms.ContactForm(),
        "partner_sections": [
            section
            for _receiver, section in partner_page_sections.send(
                Partner, request=request, partner=partner
            )
        ],
    }
    return render(request, "partners/partner_detail.html", context)


@login_required
def contact_create(request, public_id):
    partner = partner_get_for_user(request.user, public_id)
    _require(perms.can_manage_partners(request.user))
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(partner_id=partner.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Contact ajouté."))
            return redirect("partners:detail", public_id=partner.public_id)
    return render(
        request, "partners/contact_form.html", {"form": form, "partner": partner, "contact": None}
    )


@login_required
def contact_edit(request, public_id, contact_id):
    partner = partner_get_for_user(request.user, public_id)
    _require(perms.can_manage_partners(request.user))
    contact = contact_get(partner, contact_id)
    form = forms.ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact_id=contact.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Contact mis à jour."))
            return redirect("partners:detail", public_id=partner.public_id)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "partner": partner, "contact": contact},
    )


@login_required
@require_POST
def contact_delete(request, public_id, contact_id):
    partner = partner_get_for_user(request.user, public_id)
    contact = contact_get(partner, contact_id)
    services.contact_delete(contact_id=contact.pk, by=request.user)
    messages.success(request, _("Contact supprimé."))
    return redirect("partners:detail", public_id=partner.public_id)


# ---------------------------------------------------------------------------------------------
# Conventions
# ---------------------------------------------------------------------------------------------
@login_required
def convention_create(request):
    _require(perms.can_manage_conventions(request.user))
    initial = {"referent": request.user.pk}
    wanted = request.GET.get("partenaire", "")
    if wanted:
        party = partners_visible_to(request.user).filter(public_id=_uuid_or_none(wanted)).first()
        if party:
            initial["parties"] = [party.pk]
    form = forms.ConventionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        parties = data.pop("parties")
        try:
            convention = services.convention_create(by=request.user, parties=parties, **data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Projet de convention « %(t)s » créé.") % {"t": convention.title}
            )
            return redirect("partners:convention_detail", public_id=convention.public_id)
    return render(request, "partners/convention_form.html", {"form": form, "convention": None})


def _uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@login_required
def convention_edit(request, public_id):
    convention = convention_get_for_user(request.user, public_id)
    _require(perms.can_manage_conventions(request.user))
    form = forms.ConventionForm(request.POST or None, instance=convention)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        parties = data.pop("parties")
        try:
            services.convention_update(
                convention_id=convention.pk, by=request.user, parties=parties, **data
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Convention mise à jour."))
            return redirect("partners:convention_detail", public_id=convention.public_id)
    return render(
        request, "partners/convention_form.html", {"form": form, "convention": convention}
    )


@login_required
@require_GET
def convention_detail(request, public_id):
    user = request.user
    convention = convention_get_for_user(user, public_id)
    documents = [
        d
        for d in convention_documents(convention)
        if perms.can_download_convention_document(user, d)
    ]
    can_manage = perms.can_manage_conventions(user)
    context = {
        "actions": available_actions(user, convention),
        "convention": convention,
        "parties": list(convention.parties.select_related("type").order_by("name")),
        "documents": documents,
        "history": convention_history(convention),
        "can_manage": can_manage,
        "can_edit": can_manage and not convention.is_closed,
        "has_signed_pdf": any(d.doc_type == "signed" for d in documents),
        "document_form": forms.DocumentForm(),
        "sign_form": forms.SignForm(),
        "terminate_form": forms.TerminateForm(),
    }
    return render(request, "partners/convention_detail.html", context)


def _act(request, public_id, form_class, call, success_message):
    """POST helper: validate the form, call the service, report in French, back to the page."""
    convention = convention_get_for_user(request.user, public_id)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is None or form.is_valid():
        try:
            call(convention, form.cleaned_data if form else {})
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success_message)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
    return redirect("partners:convention_detail", public_id=public_id)


@login_required
@require_POST
def convention_document_upload(request, public_id):
    return _act(
        request,
        public_id,
        forms.DocumentForm,
        lambda c, d: services.convention_document_add(
            convention_id=c.pk, by=request.user, doc_type=d["doc_type"], upload=d["file"]
        ),
        _("Document déposé."),
    )


@login_required
@require_POST
def convention_negotiate(request, public_id):
    return _act(
        request,
        public_id,
        None,
        lambda c, d: services.convention_submit_for_negotiation(
            convention_id=c.pk, by=request.user
        ),
        _("Convention passée en négociation."),
    )


@login_required
@require_POST
def convention_sign(request, public_id):
    return _act(
        request,
        public_id,
        forms.SignForm,
        lambda c, d: services.convention_sign(
            convention_id=c.pk,
            by=request.user,
            signed_on=d["signed_on"],
            effective_on=d["effective_on"],
        ),
        _("Convention marquée signée."),
    )


@login_required
@require_POST
def convention_activate(request, public_id):
    return _act(
        request,
        public_id,
        None,
        lambda c, d: services.convention_activate(convention_id=c.pk, by=request.user),
        _("Convention en vigueur."),
    )


@login_required
@require_POST
def convention_expire(request, public_id):
    return _act(
        request,
        public_id,
        None,
        lambda c, d: services.convention_expire(convention_id=c.pk, by=request.user),
        _("Convention déclarée échue."),
    )


@login_required
@require_POST
def convention_terminate(request, public_id):
    return _act(
        request,
        public_id,
        forms.TerminateForm,
        lambda c, d: services.convention_terminate(
            convention_id=c.pk, by=request.user, reason=d["reason"]
        ),
        _("Convention résiliée."),
    )


@login_required
@require_GET
def convention_document_download(request, public_id, document_id):
    document = document_get_for_user(request.user, public_id, document_id)
    audit_record(
        request=request,
        action=AuditAction.DOWNLOAD,
        obj=document,
        label=f"{document.get_doc_type_display()} v{document.version}",
    )
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The convention register
# ---------------------------------------------------------------------------------------------
def _register_filters(request) -> dict:
    status = request.GET.get("statut", "")
    return {
        "status": status if status in ConventionStatus.values else "",
        "kind": request.GET.get("type", ""),
    }


@login_required
@require_GET
def register(request):
    _require(perms.can_view_convention_register(request.user))
    filters = _register_filters(request)
    page = Paginator(convention_register(request.user, **filters), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "statuses": ConventionStatus.choices,
        "kinds": ConventionKind.objects.all(),
        "query": request.GET.urlencode(),
    }
    return render(request, "partners/register.html", context)


def _parties(convention) -> str:
    return ", ".join(p.name for p in convention.parties.all())


def _d(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@login_required
@require_GET
def register_csv(request):
    """The register for a spreadsheet: UTF-8 with a BOM (Excel opens it right), `;` separated."""
    _require(perms.can_view_convention_register(request.user))
    conventions = list(convention_register(request.user, **_register_filters(request)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Intitulé",
            "Type",
            "Partenaires",
            "Statut",
            "Signée le",
            "Prise d'effet",
            "Échéance",
            "Prochaine évaluation",
            "Référent ESS",
            "Motif de résiliation",
        ]
    )
    for c in conventions:
        writer.writerow(
            [
                c.title,
                c.kind.label,
                _parties(c),
                c.get_status_display(),
                _d(c.signed_on),
                _d(c.effective_on),
                _d(c.end_on),
                _d(c.next_evaluation_on),
                c.referent.display_name if c.referent else "",
                c.termination_reason,
            ]
        )
    audit_record_many(request=request, action=AuditAction.EXPORT, objects=conventions)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"registre-conventions-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def register_pdf(request):
    """The register, printable: an A4 landscape PDF (WeasyPrint), French dates, page numbers."""
    _require(perms.can_view_convention_register(request.user))
    conventions = list(convention_register(request.user, **_register_filters(request)))
    pdf = render_pdf(
        "pdf/convention_register.html",
        {
            "conventions": conventions,
            "team": Team.current(),
            "today": timezone.localdate(),
            "by": request.user,
        },
    )
    audit_record_many(request=request, action=AuditAction.PRINT, objects=conventions)
    return pdf_attachment(pdf, f"registre-conventions-{timezone.localdate():%Y-%m-%d}.pdf")
