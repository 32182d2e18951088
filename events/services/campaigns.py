"""Writes of the public-health campaigns (prevention, screening) and of their actions' counts:
one function per action, keyword-only, one transaction each. Only the managers and
coordinators write (`can_manage_campaigns`: PermissionDenied otherwise); bad input raises a
ValidationError naming the field, in French, and changes nothing.

An action holds counts (people reached, screenings done, referrals to a specialist), never
anyone's identity."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ess import workflow
from ess.errors import Conflict
from ess.permissions import require
from ess.text import required_text
from events.models import Campaign, CampaignAction, CampaignKind
from events.permissions import can_manage_campaigns


def _period(starts_on: date | None, ends_on: date | None) -> tuple[date, date]:
    if starts_on is None:
        raise ValidationError({"starts_on": _("Indiquez la date de début de la campagne.")})
    if ends_on is None:
        raise ValidationError({"ends_on": _("Indiquez la date de fin de la campagne.")})
    if ends_on < starts_on:
        raise ValidationError(
            {"ends_on": _("La fin de la campagne ne peut pas précéder son début.")}
        )
    return starts_on, ends_on


def _campaign_fields(
    *,
    title: str,
    kind: str,
    theme: str,
    target_population: str,
    starts_on: date | None,
    ends_on: date | None,
    specialty=None,
    description: str = "",
    lead=None,
    is_public: bool = True,
    communes: Iterable = (),
    departements: Iterable = (),
    partners: Iterable = (),
) -> dict:
    """A campaign's fields, checked: the same for `campaign_create` and `campaign_update`."""
    title = required_text(title, "title", _("Donnez un intitulé à la campagne."))
    if kind not in CampaignKind.values:
        raise ValidationError({"kind": _("Choisissez le type de campagne.")})
    theme = required_text(theme, "theme", _("Indiquez le thème de la campagne."))
    target_population = required_text(
        target_population, "target_population", _("Indiquez la population ciblée.")
    )
    starts_on, ends_on = _period(starts_on, ends_on)
    return {
        "title": title,
        "kind": kind,
        "theme": theme,
        "specialty": specialty,
        "description": (description or "").strip(),
        "target_population": target_population,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "lead": lead,
        "is_public": bool(is_public),
        "communes": list(communes or ()),
        "departements": list(departements or ()),
        "partners": list(partners or ()),
    }


def _save_campaign(campaign: Campaign, fields: dict) -> Campaign:
    """Write the checked `fields` on `campaign` (a new one or one locked): its own columns,
    then its territory (communes and départements) and partners."""
    links = {name: fields.pop(name) for name in ("communes", "departements", "partners")}
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.save()
    for name, values in links.items():
        getattr(campaign, name).set(values)
    return campaign


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@transaction.atomic
def campaign_create(*, by, **fields) -> Campaign:
    """Plan a campaign: its theme, target population, period (`_campaign_fields`), territory
    (communes and départements), partners and lead. Requires `can_manage_campaigns`
    (PermissionDenied); a ValidationError names a missing field or a period that ends before it
    starts."""
    require(can_manage_campaigns(by))
    return _save_campaign(Campaign(), _campaign_fields(**fields))


@transaction.atomic
def campaign_update(*, campaign_id: int, by, **fields) -> Campaign:
    """Change a campaign (same fields and refusals as `campaign_create`). A new period must
    still hold every action already recorded: a ValidationError names the first one left
    outside."""
    campaign = workflow.locked(Campaign, campaign_id)
    require(can_manage_campaigns(by))
    fields = _campaign_fields(**fields)
    outside = (
        campaign.actions.exclude(held_on__range=(fields["starts_on"], fields["ends_on"]))
        .order_by("held_on", "pk")
        .first()
    )
    if outside is not None:
        raise ValidationError(
            {
                "starts_on": _(
                    "L'action « %(title)s » du %(day)s sortirait de la nouvelle période : "
                    "modifiez ou supprimez-la d'abord."
                )
                % {"title": outside.title, "day": _day(outside.held_on)}
            }
        )
    return _save_campaign(campaign, fields)


# ---------------------------------------------------------------------------------------------
# A campaign's actions: what each one achieved, in counts
# ---------------------------------------------------------------------------------------------
def _action_fields(
    campaign: Campaign,
    *,
    title: str,
    held_on: date | None,
    place: str = "",
    people_reached: int = 0,
    screenings_done: int = 0,
    referrals_generated: int = 0,
    notes: str = "",
) -> dict:
    """An action's fields, checked against its campaign: the same for `campaign_action_record`
    and `campaign_action_update`."""
    title = required_text(title, "title", _("Donnez un intitulé à l'action."))
    if held_on is None:
        raise ValidationError({"held_on": _("Indiquez la date de l'action.")})
    if not campaign.starts_on <= held_on <= campaign.ends_on:
        raise ValidationError(
            {
                "held_on": _(
                    "Le %(day)s est hors de la période de la campagne (du %(start)s au "
                    "%(end)s) : choisissez une date dans cette période, ou modifiez d'abord "
                    "la période de la campagne."
                )
                % {
                    "day": _day(held_on),
                    "start": _day(campaign.starts_on),
                    "end": _day(campaign.ends_on),
                }
            }
        )
    counts = {
        "people_reached": people_reached,
        "screenings_done": screenings_done,
        "referrals_generated": referrals_generated,
    }
    for name, value in counts.items():
        value = 0 if value in (None, "") else value
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError({name: _("Indiquez un nombre entier positif ou nul.")})
        counts[name] = value
    # A person screened or referred is a person reached: (count, its name in the message).
    within_reached = {
        "screenings_done": (
            "screenings",
            _(
                "Plus de dépistages (%(screenings)s) que de personnes touchées "
                "(%(people)s) : une personne dépistée est une personne touchée."
            ),
        ),
        "referrals_generated": (
            "referrals",
            _(
                "Plus d'orientations (%(referrals)s) que de personnes touchées "
                "(%(people)s) : une personne orientée est une personne touchée."
            ),
        ),
    }
    for name, (placeholder, message) in within_reached.items():
        if counts[name] > counts["people_reached"]:
            values = {placeholder: counts[name], "people": counts["people_reached"]}
            raise ValidationError({name: message % values})
    return {
        "title": title,
        "held_on": held_on,
        "place": (place or "").strip(),
        "notes": (notes or "").strip(),
        **counts,
    }


@transaction.atomic
def campaign_action_record(*, campaign_id: int, by, **fields) -> CampaignAction:
    """Record one action of a campaign (a screening day, a stand, a mailing) and its counts
    (`_action_fields`). Requires `can_manage_campaigns` (PermissionDenied). A ValidationError
    names the field: a date outside the campaign's period, a negative count, more screenings or
    referrals than people reached. The campaign's row is locked, so its period cannot change
    meanwhile."""
    campaign = workflow.locked(Campaign, campaign_id)
    require(can_manage_campaigns(by))
    fields = _action_fields(campaign, **fields)
    return CampaignAction.objects.create(campaign=campaign, recorded_by=by, **fields)


@transaction.atomic
def campaign_action_update(*, action_id: int, by, **fields) -> CampaignAction:
    """Correct an action's date, place, counts or notes (same rules and refusals as
    `campaign_action_record`)."""
    campaign_pk = CampaignAction.objects.filter(pk=action_id).values_list("campaign_id", flat=True)
    campaign = workflow.locked(Campaign, campaign_pk.get())
    action = workflow.locked(CampaignAction, action_id)
    require(can_manage_campaigns(by))
    fields = _action_fields(campaign, **fields)
    for name, value in fields.items():
        setattr(action, name, value)
    action.save(update_fields=list(fields))
    return action


@transaction.atomic
def campaign_delete(*, campaign_id: int, by) -> None:
    """Delete a campaign planned by mistake, while nothing refers to it (Conflict): no action
    recorded, for they count in the indicators, and no action of the health project carrying
    it out. Requires `can_manage_campaigns` (PermissionDenied)."""
    campaign = workflow.locked(Campaign, campaign_id)
    require(can_manage_campaigns(by))
    if campaign.actions.exists():
        raise Conflict(
            _(
                "Des actions sont enregistrées pour cette campagne : elle ne se supprime pas. "
                "Pour la retirer du site public, décochez « Affichée publiquement »."
            )
        )
    if campaign.project_actions.exists():
        raise Conflict(
            _("Une action du projet de santé cite cette campagne : elle ne se supprime pas.")
        )
    campaign.delete()


@transaction.atomic
def campaign_action_delete(*, action_id: int, by) -> Campaign:
    """Remove an action recorded by mistake; the campaign's totals no longer count it.
    Requires `can_manage_campaigns` (PermissionDenied). Returns the campaign."""
    action = workflow.locked(CampaignAction, action_id)
    require(can_manage_campaigns(by))
    campaign = action.campaign
    action.delete()
    return campaign
