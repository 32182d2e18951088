"""Funding pages (/budget/), for the management: the year's budget against what was spent and
its grants, the grants' forms, the expenses (by hand or imported), the specialists' paid time
with each member's statement (PDF) and the accountant's export (CSV), the activities' rates.

Each view validates the shape of the input, calls one service, renders. Access: the management
(permissions.can_manage_finance, 403 otherwise); a member may download their own statement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from ess.audit import audit_record
from ess.flash import flash_error
from ess.models import AuditAction, Team
from ess.money import plain
from ess.pdf import pdf_attachment, render_pdf
from ess.permissions import require
from ess.web.actions import form_page
from ess.web.form_pages import ObjectFormPages
from ess.web.spreadsheet import csv_response
from finance import forms, selectors, services
from finance import permissions as perms
from finance.models import Activity, BudgetLine
from finance.selectors import Period, period_from

PAGE_SIZE = 200


def _year(request) -> int:
    return period_from(request.GET.get("annee")).year


def _period(request) -> Period:
    return period_from(request.GET.get("annee"), request.GET.get("trimestre"))


def _manager(request) -> None:
    require(perms.can_manage_finance(request.user))


@login_required
@require_GET
def home(request):
    """The year's budget against what was spent, per category, and its grants."""
    _manager(request)
    year = _year(request)
    context = {
        "summary": selectors.financial_summary(year),
        "year": year,
        "years": [year - 1, year + 1],
    }
    return render(request, "finance/home.html", context)


# ---------------------------------------------------------------------------------------------
# Grants and the budget
# ---------------------------------------------------------------------------------------------
def _to_home(year: int) -> str:
    return f"{reverse('finance:home')}?annee={year}"


grant_pages = ObjectFormPages(
    name="grant",
    template="finance/grant_form.html",
    create=services.grant_save,
    update=services.grant_save,
    done=lambda grant: _to_home(grant.year),
)


@login_required
def grant_create(request):
    _manager(request)
    return grant_pages.create_page(
        request,
        forms.GrantForm(request.POST or None, initial={"year": _year(request)}),
        success=lambda g: _("Financement « %(label)s » enregistré.") % {"label": g.label},
    )


@login_required
def grant_edit(request, public_id):
    _manager(request)
    grant = selectors.grant_get(public_id)
    return grant_pages.edit_page(
        request,
        grant,
        forms.GrantForm.for_grant(request.POST or None, grant),
        success=_("Financement mis à jour."),
    )


@login_required
def budget_edit(request):
    _manager(request)
    year = period_from(request.POST.get("year") or request.GET.get("annee")).year
    planned = dict(BudgetLine.objects.filter(year=year).values_list("category", "amount"))
    form = forms.BudgetForm(request.POST or None, initial={"year": year}, planned=planned)
    return form_page(
        request,
        form,
        lambda data: services.budget_set(
            by=request.user,
            year=data.pop("year"),
            amounts={c: amount for c, amount in data.items() if amount is not None},
        ),
        success=_("Budget prévisionnel enregistré."),
        done=_to_home(year),
        template="finance/budget_form.html",
        context={"year": year},
    )


# ---------------------------------------------------------------------------------------------
# Expenses
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def expense_list(request):
    _manager(request)
    year = _year(request)
    expenses = list(selectors.expenses_of(year)[:PAGE_SIZE])
    context = {"expenses": expenses, "year": year, "limit": PAGE_SIZE}
    return render(request, "finance/expense_list.html", context)


@login_required
def expense_create(request):
    _manager(request)
    return form_page(
        request,
        forms.ExpenseForm(request.POST or None, request.FILES or None),
        lambda data: services.expense_create(by=request.user, **data),
        success=_("Dépense enregistrée."),
        done=lambda expense: f"{reverse('finance:expenses')}?annee={expense.date.year}",
        template="finance/expense_form.html",
        context={},
    )


@login_required
def expense_import(request):
    _manager(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            imported = services.expenses_import(
                by=request.user, content=form.cleaned_data["file"].read()
            )
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(
                request,
                ngettext("%(n)s dépense importée.", "%(n)s dépenses importées.", len(imported))
                % {"n": len(imported)},
            )
            return redirect("finance:expenses")
    return render(request, "finance/expense_import.html", {"form": form})


@login_required
@require_GET
def receipt_download(request, public_id):
    _manager(request)
    expense = selectors.expense_get(public_id)
    receipt = expense.stored_receipt
    if receipt is None:
        raise Http404
    return receipt.download(request, label=expense.label[:100])


# ---------------------------------------------------------------------------------------------
# Paid time
# ---------------------------------------------------------------------------------------------
def _paid_time(request) -> tuple[Period, list]:
    """The period the query string asks for and its members' statements (the management)."""
    _manager(request)
    period = _period(request)
    return period, selectors.paid_time(period)


@login_required
@require_GET
def paid_time(request):
    period, statements = _paid_time(request)
    context = {
        "period": period,
        "statements": statements,
        "total": sum((s.total for s in statements), selectors.ZERO),
        "quarters": (1, 2, 3, 4),
        "activities": Activity.choices,
    }
    return render(request, "finance/paid_time.html", context)


def paid_time_rows(statements):
    """The accountant's export: one row per member and activity, then each member's total and
    the period's total; amounts with a decimal comma."""
    yield [
        _("Période"),
        _("Membre"),
        _("RPPS"),
        _("Activité"),
        _("Quantité"),
        _("Tarif (€)"),
        _("Montant (€)"),
    ]
    total = selectors.ZERO
    for statement in statements:
        name = statement.member.get_full_name()
        for line in statement.lines:
            yield [
                statement.period.label,
                name,
                statement.member.rpps,
                line.label,
                plain(line.quantity) if line.activity == Activity.ON_CALL_HOUR else line.quantity,
                plain(line.rate),
                plain(line.amount),
            ]
        yield [
            statement.period.label,
            name,
            statement.member.rpps,
            _("Total"),
            "",
            "",
            plain(statement.total),
        ]
        total += statement.total
    yield [_("Total de la période"), "", "", "", "", "", plain(total)]


@login_required
@require_GET
def paid_time_csv(request):
    period, statements = _paid_time(request)
    return csv_response(paid_time_rows(statements), f"temps-medicaux-{period.key}.csv")


@login_required
@require_GET
def statement_pdf(request, member_id):
    member = selectors.member_get(member_id)
    if not perms.can_view_statement(request.user, member):
        raise Http404
    period = _period(request)
    statement = selectors.statement_of(member, period)
    pdf = render_pdf(
        "pdf/finance_statement.html",
        {
            "statement": statement,
            "member": member,
            "period": period,
            "team": Team.current(),
            "today": timezone.localdate(),
        },
    )
    audit_record(request=request, action=AuditAction.PRINT, obj=member, label=period.key)
    return pdf_attachment(pdf, f"releve-temps-medicaux-{period.key}-{member.public_id}.pdf")


@login_required
def rates_edit(request):
    _manager(request)
    form = forms.RatesForm(request.POST or None, current=selectors.rates())
    return form_page(
        request,
        form,
        lambda data: services.rates_set(
            by=request.user, amounts={a: amount for a, amount in data.items() if amount is not None}
        ),
        success=_("Tarifs enregistrés."),
        done=reverse("finance:paid_time"),
        template="finance/rates_form.html",
        context={},
    )
