"""Writes on a member's own entry: the member edits it; changes of regulated fields (RPPS,
ADELI, profession, specialty) wait for a manager, who approves or rejects them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ess.errors import TransitionNotAllowed
from ess.models import Specialty
from ess.permissions import require
from ess.text import required_text
from ess.validators import normalize_identifier
from members import permissions as perms
from members.models import (
    Competence,
    Membership,
    MembershipEvent,
    MembershipStatus,
    RoleGrant,
    User,
)
from members.services.accounts import roles_grant, roles_revoke
from members.services.membership import (
    MEMBER_ROLES,
    ApplicationInput,
    _check,
    _fill,
    _locked,
    _locked_for_manager,
    _open_duplicate,
    _save_sites,
    member_role_for,
)
from members.services.review import (
    _sync_account,
)


def _regulated_values(membership: Membership) -> dict:
    return {
        "profession": membership.profession,
        "rpps": membership.rpps,
        "adeli": membership.adeli,
        "specialty": membership.specialty.code if membership.specialty else "",
    }


@transaction.atomic
def membership_profile_update(*, membership_id: int, by: User, data: ApplicationInput) -> bool:
    """The member edits their entry. Practice sites, competences, participations, languages
    and publication apply at once; a change of RPPS, ADELI, profession or specialty waits for
    a manager (kept in `pending_changes`). Returns True when something waits for review.
    Raises PermissionDenied (not their entry), ValidationError."""
    membership = _locked(membership_id)
    require(perms.can_edit_membership(by, membership))
    if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.VALIDATED):
        raise TransitionNotAllowed(_("Seul un membre en activité modifie sa fiche."))
    data.email = membership.email
    _check(data)
    duplicate = _open_duplicate(data, excluding=membership.pk)
    if duplicate:
        raise ValidationError({"rpps": duplicate})
    current = _regulated_values(membership)
    wanted = {
        "profession": data.profession,
        "rpps": normalize_identifier(data.rpps),
        "adeli": normalize_identifier(data.adeli),
        "specialty": data.specialty.code if data.specialty else "",
    }
    changes = {k: v for k, v in wanted.items() if v != current[k]}
    _fill(membership, data, regulated=False)
    if changes:
        membership.pending_changes = changes
        MembershipEvent.objects.create(
            membership=membership,
            actor=by,
            note=_("Modification à valider : %s")
            % ", ".join(f"{k} → {v or '—'}" for k, v in changes.items()),
        )
    membership.save()
    if membership.specialty_id == (data.specialty.pk if data.specialty else None):
        membership.competences.set(data.competences)
    else:  # competences follow the specialty: they wait with it
        membership.pending_changes["competences"] = [c.code for c in data.competences]
        membership.save(update_fields=["pending_changes"])
    _save_sites(membership, data.sites)
    _sync_contact(membership)
    return bool(changes)


def _sync_contact(membership: Membership) -> None:
    if membership.user_id:
        User.objects.filter(pk=membership.user_id).update(
            first_name=membership.first_name, last_name=membership.last_name, phone=membership.phone
        )


@transaction.atomic
def membership_changes_approve(*, membership_id: int, by: User) -> Membership:
    """A manager accepts the member's change of regulated fields: entry and account updated."""
    membership = _locked_for_manager(membership_id, by)
    changes = membership.pending_changes
    if not changes:
        return membership
    for name in ("profession", "rpps", "adeli"):
        if name in changes:
            setattr(membership, name, changes[name])
    if "specialty" in changes:
        membership.specialty = Specialty.objects.filter(code=changes["specialty"]).first()
    membership.pending_changes = {}
    membership.save()
    if "competences" in changes:
        membership.competences.set(Competence.objects.filter(code__in=changes["competences"]))
    if membership.user_id:
        _sync_account(membership, membership.user)
        held = set(RoleGrant.objects.filter(user=membership.user).values_list("role", flat=True))
        if held & set(MEMBER_ROLES):
            roles_revoke(user=membership.user, roles=MEMBER_ROLES)
            roles_grant(user=membership.user, roles=[member_role_for(membership.profession)], by=by)
    MembershipEvent.objects.create(
        membership=membership, actor=by, note=_("Modification validée par la direction")
    )
    return membership


@transaction.atomic
def membership_changes_reject(*, membership_id: int, by: User, reason: str) -> Membership:
    """A manager turns the change down (reason kept in the history); the entry stays as is."""
    membership = _locked_for_manager(membership_id, by)
    reason = required_text(reason, "reason", _("Indiquez le motif."))
    if not membership.pending_changes:
        return membership
    membership.pending_changes = {}
    membership.save(update_fields=["pending_changes", "updated_at"])
    MembershipEvent.objects.create(
        membership=membership,
        actor=by,
        note=_("Modification refusée : %s") % reason,
    )
    return membership
