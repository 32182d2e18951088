"""Public-health campaign pages: the public list and a campaign's page (anyone, for the
campaigns shown publicly), and for the managers and coordinators the campaigns kept off the
public page, their forms, their actions' counts and the export of those counts.

Each view validates the shape of the input, calls one service, renders. Access starts from
selectors.campaigns (404 for a campaign the caller may not see) and
permissions.can_manage_campaigns (403)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ess.permissions import require
from ess.web.actions import form_page, post_action
from ess.web.form_pages import ObjectFormPages
from ess.web.paging import page_of
from ess.web.spreadsheet import csv_response
from events.models import Campaign
from events.permissions import can_manage_campaigns
from events.selectors import campaigns as selectors
from events.services import campaigns as services
from events.views.campaign_forms import CampaignActionForm, CampaignForm

PAST_PER_PAGE = 20


def _detail_url(campaign: Campaign) -> str:
    return reverse("events:campaign_detail", args=[campaign.public_id])


# ---------------------------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------------------------
@require_GET
def campaign_list(request):
    """The campaigns under way or to come, then the past ones a page at a time."""
    lists = selectors.campaign_list(request.user)
    context = {
        "current": list(lists["current"]),
        "page": page_of(request, lists["past"], PAST_PER_PAGE),
        "can_manage": can_manage_campaigns(request.user),
    }
    return render(request, "events/campaign_list.html", context)


@require_GET
def campaign_detail(request, public_id):
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    return render(request, "events/campaign_detail.html", _detail_context(request, campaign))


def _detail_context(request, campaign: Campaign, action_form=None) -> dict:
    """The campaign's page; for its managers, the form recording an action (`action_form`: the
    one sent and refused, shown again as typed)."""
    can_manage = can_manage_campaigns(request.user)
    context = {
        "campaign": selectors.campaign_detail(campaign),
        "totals": selectors.campaign_totals(campaign),
        "project_actions": selectors.campaign_project_actions(request.user, campaign),
        "can_manage": can_manage,
        "today": timezone.localdate(),
    }
    if can_manage:
        context["actions"] = list(selectors.campaign_actions(campaign))
        context["action_form"] = action_form or CampaignActionForm(
            initial={"held_on": _default_day(campaign)}
        )
    return context


def _default_day(campaign: Campaign):
    """Today when it falls in the campaign, else the nearest end of its period."""
    today = timezone.localdate()
    return min(max(today, campaign.starts_on), campaign.ends_on)


# ---------------------------------------------------------------------------------------------
# Managers and coordinators: campaigns
# ---------------------------------------------------------------------------------------------
campaign_pages = ObjectFormPages(
    name="campaign",
    template="events/campaign_form.html",
    create=services.campaign_create,
    update=services.campaign_update,
    done=_detail_url,
)


@login_required
def campaign_create(request):
    require(can_manage_campaigns(request.user))
    return campaign_pages.create_page(
        request,
        CampaignForm(request.POST or None),
        success=lambda c: _("Campagne « %(title)s » créée.") % {"title": c.title},
    )


@login_required
def campaign_edit(request, public_id):
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(can_manage_campaigns(request.user))
    communes = list(campaign.communes.select_related("departement").order_by("name"))
    return campaign_pages.edit_page(
        request,
        campaign,
        CampaignForm(request.POST or None, campaign=campaign, communes=communes),
        success=_("Campagne mise à jour."),
    )


@login_required
@require_GET
def campaign_export(request, public_id):
    """The campaign's actions and their counts as a spreadsheet (formula-escaped cells)."""
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(can_manage_campaigns(request.user))

    def rows():
        yield [
            _("Campagne"),
            _("Action"),
            _("Date"),
            _("Lieu"),
            _("Personnes touchées"),
            _("Dépistages réalisés"),
            _("Orientations générées"),
            _("Remarques"),
        ]
        for action in selectors.campaign_actions(campaign).iterator():
            yield [
                campaign.title,
                action.title,
                action.held_on.strftime("%d/%m/%Y"),
                action.place,
                action.people_reached,
                action.screenings_done,
                action.referrals_generated,
                action.notes,
            ]

    return csv_response(rows(), f"campagne-{campaign.starts_on:%Y-%m}-actions.csv")


# ---------------------------------------------------------------------------------------------
# Managers and coordinators: a campaign's actions
# ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def campaign_action_create(request, public_id):
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(can_manage_campaigns(request.user))
    form = CampaignActionForm(request.POST)
    return form_page(
        request,
        form,
        lambda data: services.campaign_action_record(
            campaign_id=campaign.pk, by=request.user, **data
        ),
        success=lambda a: _("Action « %(title)s » enregistrée.") % {"title": a.title},
        done=_detail_url(campaign),
        template="events/campaign_detail.html",
        context=lambda: _detail_context(request, campaign, action_form=form),
    )


@login_required
def campaign_action_edit(request, public_id, action_id):
    action = selectors.campaign_action_get_for_user(request.user, public_id, action_id)
    campaign = action.campaign
    return form_page(
        request,
        CampaignActionForm(
            request.POST or None,
            initial={name: getattr(action, name) for name in CampaignActionForm.Meta.fields},
        ),
        lambda data: services.campaign_action_update(action_id=action.pk, by=request.user, **data),
        success=_("Action mise à jour."),
        done=_detail_url(campaign),
        template="events/campaign_action_form.html",
        context={"campaign": campaign, "action": action},
    )


@login_required
@require_POST
def campaign_delete(request, public_id):
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(can_manage_campaigns(request.user))
    return post_action(
        request,
        lambda data: services.campaign_delete(campaign_id=campaign.pk, by=request.user),
        success=_("Campagne « %(title)s » supprimée.") % {"title": campaign.title},
        back=_detail_url(campaign),
        done=reverse("events:campaign_list"),
    )


@login_required
@require_POST
def campaign_action_delete(request, public_id, action_id):
    action = selectors.campaign_action_get_for_user(request.user, public_id, action_id)
    campaign = action.campaign
    return post_action(
        request,
        lambda data: services.campaign_action_delete(action_id=action.pk, by=request.user),
        success=_("Action supprimée."),
        back=_detail_url(campaign),
    )
