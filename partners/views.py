"""Partner pages: the list, a partner's page, conventions with their documents and lifecycle
(the convention register, page, CSV and PDF, is views_register.py).

Each view validates the shape of the input, calls one service, renders. Access starts from
selectors.*_get_for_user (404 for what the caller may not see) and permissions.can_* (403).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ess.errors import ServiceError
from ess.models import Departement, Team
from ess.permissions import require
from ess.web.actions import PageActions, form_page
from ess.web.form_pages import ObjectFormPages
from ess.web.forms import add_service_errors
from ess.web.paging import page_of
from ess.web.repeats import noting_repeat, once
from ess.workflow import available_actions
from partners import forms, services
from partners import permissions as perms
from partners.hooks import partner_page_sections
from partners.models import Convention, ConventionStatus, Partner, PartnerType
from partners.selectors import (
    contact_get,
    convention_documents,
    convention_get_for_user,
    convention_history,
    convention_protocol,
    document_get_for_user,
    partner_detail,
    partner_get_for_user,
    partner_list,
    partners_visible_to,
)


# ---------------------------------------------------------------------------------------------
# Partners
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def partner_list_view(request):
    require(perms.can_view_partners(request.user))
    filters = {
        "type_code": request.GET.get("type", ""),
        "departement": request.GET.get("departement", ""),
        "convention": request.GET.get("convention", ""),
        "search": request.GET.get("q", "").strip(),
    }
    if filters["convention"] not in ("", "active", "none"):
        filters["convention"] = ""
    page = page_of(request, partner_list(request.user, **filters), 25)
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


partner_pages = ObjectFormPages(
    name="partner",
    template="partners/partner_form.html",
    create=services.partner_create,
    update=services.partner_update,
    done=lambda partner: reverse("partners:detail", args=[partner.public_id]),
    data=lambda form: form.service_fields(),
)


@login_required
def partner_create(request):
    require(perms.can_manage_partners(request.user))
    return partner_pages.create_page(
        request,
        forms.PartnerForm(request.POST or None),
        success=lambda p: _("Partenaire « %(name)s » créé.") % {"name": p.name},
    )


@login_required
def partner_edit(request, public_id):
    partner = partner_get_for_user(request.user, public_id)
    require(perms.can_manage_partners(request.user))
    return partner_pages.edit_page(
        request,
        partner,
        forms.PartnerForm(request.POST or None, instance=partner),
        success=_("Partenaire mis à jour."),
    )


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
    require(perms.can_manage_partners(request.user))
    return form_page(
        request,
        forms.ContactForm(request.POST or None),
        lambda data: services.contact_add(partner_id=partner.pk, by=request.user, **data),
        success=_("Contact ajouté."),
        done=reverse("partners:detail", args=[partner.public_id]),
        template="partners/contact_form.html",
        context={"partner": partner, "contact": None},
    )


@login_required
def contact_edit(request, public_id, contact_id):
    partner = partner_get_for_user(request.user, public_id)
    require(perms.can_manage_partners(request.user))
    contact = contact_get(partner, contact_id)
    return form_page(
        request,
        forms.ContactForm(request.POST or None, instance=contact),
        lambda data: services.contact_update(contact_id=contact.pk, by=request.user, **data),
        success=_("Contact mis à jour."),
        done=reverse("partners:detail", args=[partner.public_id]),
        template="partners/contact_form.html",
        context={"partner": partner, "contact": contact},
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
convention_pages = ObjectFormPages(
    name="convention",
    template="partners/convention_form.html",
    create=services.convention_create,
    update=services.convention_update,
    done=lambda convention: reverse("partners:convention_detail", args=[convention.public_id]),
)


@login_required
def convention_create(request):
    require(perms.can_manage_conventions(request.user))
    initial = {"referent": request.user.pk}
    wanted = request.GET.get("partenaire", "")
    if wanted:
        party = partners_visible_to(request.user).filter(public_id=_uuid_or_none(wanted)).first()
        if party:
            initial["parties"] = [party.pk]
    return convention_pages.create_page(
        request,
        forms.ConventionForm(request.POST or None, initial=initial),
        success=lambda c: _("Projet de convention « %(t)s » créé.") % {"t": c.title},
    )


def _uuid_or_none(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@login_required
def convention_edit(request, public_id):
    convention = convention_get_for_user(request.user, public_id)
    require(perms.can_manage_conventions(request.user))
    return convention_pages.edit_page(
        request,
        convention,
        forms.ConventionForm(request.POST or None, instance=convention),
        success=_("Convention mise à jour."),
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
        "protocol": convention_protocol(convention),
        "can_manage": can_manage,
        "can_edit": can_manage and not convention.is_closed,
        "has_signed_pdf": any(d.doc_type == "signed" for d in documents),
        "document_form": forms.DocumentForm(),
        "sign_form": forms.SignForm(),
        "terminate_form": forms.TerminateForm(),
    }
    return render(request, "partners/convention_detail.html", context)


def _protocol_initial(protocol) -> tuple[dict, list[dict]]:
    if protocol is None:
        return {}, []
    initial = {
        "specialty": protocol.specialty_id,
        "eligibility": protocol.eligibility,
        "delegating_doctors": [u.pk for u in protocol.delegating_doctors.all()],
        "delegates": [u.pk for u in protocol.delegates.all()],
    }
    tasks = [
        {
            "template_id": t.pk,
            "label": t.label,
            "kind": t.kind,
            "day": t.day,
            "instructions": t.instructions,
        }
        for t in protocol.task_templates.all()
    ]
    return initial, tasks


def _task_inputs(formset) -> list[services.TaskTemplateInput]:
    return [
        services.TaskTemplateInput(
            label=f.cleaned_data.get("label", ""),
            kind=f.cleaned_data.get("kind", ""),
            day=f.cleaned_data.get("day"),
            instructions=f.cleaned_data.get("instructions", ""),
            template_id=f.cleaned_data.get("template_id"),
            delete=bool(f.cleaned_data.get("DELETE")),
        )
        for f in formset.forms
        if f.cleaned_data and not f.is_blank()
    ]


@login_required
def protocol_edit(request, public_id):
    """A protocol's people and task plan, edited in one page by those who manage conventions:
    one service call saves it all, or nothing when a line is wrong."""
    convention = convention_get_for_user(request.user, public_id)
    if not convention.is_protocol:
        raise Http404
    require(perms.can_manage_conventions(request.user))
    protocol = convention_protocol(convention)
    initial, tasks = _protocol_initial(protocol)
    if request.method == "POST":
        form = forms.ProtocolForm(request.POST)
        formset = forms.TaskTemplateFormSet(request.POST, prefix="taches")
        if form.is_valid() and formset.is_valid():
            try:
                services.protocol_update(
                    convention_id=convention.pk,
                    by=request.user,
                    task_templates=_task_inputs(formset),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Protocole enregistré."))
                return redirect("partners:convention_detail", public_id=convention.public_id)
    else:
        form = forms.ProtocolForm(initial=initial)
        formset = forms.TaskTemplateFormSet(initial=tasks, prefix="taches")
    context = {"convention": convention, "form": form, "formset": formset}
    return render(request, "partners/protocol_form.html", context)


convention_actions = PageActions(
    route="<uuid:public_id>/",
    lookup=lambda request, public_id: convention_get_for_user(request.user, public_id),
    id_kwarg="convention_id",
    back=lambda request, c: reverse("partners:convention_detail", args=[c.public_id]),
)
convention_document_upload = convention_actions.view(
    "documents/",
    "convention_document_upload",
    services.convention_document_add,
    gettext_lazy("Document déposé."),
    forms.DocumentForm,
    files=True,
    data=lambda request, d: {"doc_type": d["doc_type"], "upload": d["file"]},
)
convention_negotiate = convention_actions.view(
    "negociation/",
    "convention_negotiate",
    services.convention_submit_for_negotiation,
    gettext_lazy("Convention passée en négociation."),
)


def _convention_already(*statuses):
    """Whether the convention was already in one of `statuses` (a step asked again)."""
    return lambda convention_id, by: Convention.objects.filter(
        pk=convention_id, status__in=statuses
    ).exists()


convention_sign = convention_actions.view(
    "signer/",
    "convention_sign",
    noting_repeat(
        services.convention_sign,
        "convention_id",
        _convention_already(ConventionStatus.SIGNED, ConventionStatus.ACTIVE),
    ),
    once(
        gettext_lazy("Convention marquée signée."),
        gettext_lazy("Cette convention était déjà marquée signée : rien n'a changé."),
    ),
    forms.SignForm,
)
convention_activate = convention_actions.view(
    "mettre-en-vigueur/",
    "convention_activate",
    services.convention_activate,
    gettext_lazy("Convention en vigueur."),
)
convention_expire = convention_actions.view(
    "echue/",
    "convention_expire",
    services.convention_expire,
    gettext_lazy("Convention déclarée échue."),
)
convention_terminate = convention_actions.view(
    "resilier/",
    "convention_terminate",
    noting_repeat(
        services.convention_terminate,
        "convention_id",
        _convention_already(ConventionStatus.TERMINATED),
    ),
    once(
        gettext_lazy("Convention résiliée."),
        gettext_lazy("Cette convention était déjà résiliée : rien n'a changé."),
    ),
    forms.TerminateForm,
)


@login_required
@require_GET
def convention_document_download(request, public_id, document_id):
    document = document_get_for_user(request.user, public_id, document_id)
    return document.download(
        request, label=f"{document.get_doc_type_display()} v{document.version}"
    )
