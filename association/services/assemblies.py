"""General assemblies: planned, convened (each active member emailed once), held, or cancelled.

Convocations go through the outbox in the transaction that convenes the assembly, one row per
member (`Convocation`), so none is ever sent twice."""

from datetime import datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association import emails
from association import permissions as perms
from association.models import AssemblyKind, AssemblyStatus, Convocation, GeneralAssembly
from association.selectors import active_members
from association.services.common import fraction, locked
from ess import workflow
from ess.errors import Conflict
from ess.permissions import require
from ess.text import required_text
from ess.workflow_steps import advance

_refused = workflow.Refusal(
    gettext_lazy(
        "Action impossible : « %(title)s » est « %(status)s » ; %(action)s n'est plus possible."
    ),
    {
        AssemblyStatus.CONVENED: gettext_lazy("sa convocation"),
        AssemblyStatus.HELD: gettext_lazy("son passage à « tenue »"),
        AssemblyStatus.CANCELLED: gettext_lazy("son annulation"),
    },
    lambda assembly: {"title": str(assembly)},
)
_advance = partial(advance, refused=_refused)


def _clean_assembly(
    *,
    kind: str,
    starts_at: datetime,
    place: str = "",
    video_url: str = "",
    agenda: str,
    quorum,
    max_proxies,
) -> dict:
    """An assembly's fields, checked: the same for `assembly_create` and `assembly_update`."""
    if kind not in AssemblyKind.values:
        raise ValidationError({"kind": _("Choisissez une assemblée ordinaire ou extraordinaire.")})
    if starts_at is None:
        raise ValidationError({"starts_at": _("Indiquez la date et l'heure de l'assemblée.")})
    place = (place or "").strip()
    video_url = (video_url or "").strip()
    if not place and not video_url:
        raise ValidationError(
            {"place": _("Indiquez le lieu de l'assemblée ou son lien de visioconférence.")}
        )
    agenda = required_text(agenda, "agenda", _("Indiquez l'ordre du jour."))
    quorum = fraction(
        quorum,
        "quorum",
        _("Le quorum est une part des membres entre 0 et 1 (ex. : 0,5 pour la moitié)."),
        low=Decimal(0),
    )
    if max_proxies is None or int(max_proxies) < 0 or int(max_proxies) > 20:
        raise ValidationError(
            {"max_proxies": _("Indiquez un nombre de procurations par membre entre 0 et 20.")}
        )
    return {
        "kind": kind,
        "starts_at": starts_at,
        "place": place,
        "video_url": video_url,
        "agenda": agenda,
        "quorum": quorum,
        "max_proxies": int(max_proxies),
    }


@transaction.atomic
def assembly_create(
    *, by, kind: str = AssemblyKind.ORDINARY, quorum=None, max_proxies=None, **fields
) -> GeneralAssembly:
    """Plan a general assembly (the management): its kind, start, place or video link and
    agenda (`_clean_assembly`). The quorum and the proxies per member default to the settings
    (ESS_ASSEMBLY_QUORUM, ESS_ASSEMBLY_MAX_PROXIES)."""
    require(perms.can_manage_association(by))
    defaults = GeneralAssembly()
    fields = _clean_assembly(
        kind=kind,
        quorum=defaults.quorum if quorum in (None, "") else quorum,
        max_proxies=defaults.max_proxies if max_proxies in (None, "") else max_proxies,
        **fields,
    )
    assembly = GeneralAssembly.objects.create(**fields)
    assembly.events.create(actor=by, to_status=AssemblyStatus.PLANNED)
    return assembly


@transaction.atomic
def assembly_update(*, assembly_id: int, by, minutes_notes: str = "", **fields) -> GeneralAssembly:
    """Change an assembly until it is held (Conflict after): the fields of `assembly_create`;
    the debates' summary for the minutes is written here too."""
    assembly = locked(assembly_id)
    require(perms.can_manage_association(by))
    if assembly.is_closed:
        raise Conflict(_("Cette assemblée est tenue ou annulée : elle ne se modifie plus."))
    fields = _clean_assembly(**fields)
    fields["minutes_notes"] = (minutes_notes or "").strip()
    for name, value in fields.items():
        setattr(assembly, name, value)
    assembly.save(update_fields=[*fields, "updated_at"])
    return assembly


@transaction.atomic
def assembly_convene(*, assembly_id: int, by) -> GeneralAssembly:
    """Convene the members: each active member is emailed the convocation once (a row per
    member in the same transaction), before it begins. Again: no-op. Raises PermissionDenied,
    TransitionNotAllowed, Conflict (its date is past)."""
    assembly = locked(assembly_id)
    require(perms.can_manage_association(by))
    if assembly.status == AssemblyStatus.CONVENED:
        return assembly
    workflow.check(assembly, AssemblyStatus.CONVENED, refused=_refused)
    if not perms.can_convene_assembly(by, assembly):
        raise Conflict(
            _(
                "La date de cette assemblée est passée : elle ne peut plus être convoquée. "
                "Modifiez d'abord sa date."
            )
        )
    if _advance(assembly, AssemblyStatus.CONVENED, by=by, convened_at=timezone.now()):
        convene_missing(assembly)
    return assembly


def convene_missing(assembly: GeneralAssembly) -> int:
    """Send the convocation to the active members who have not had it (in the caller's
    transaction); how many were sent."""
    already = set(assembly.convocations.values_list("membership_id", flat=True))
    sent = 0
    for membership in active_members().exclude(pk__in=already):
        Convocation.objects.create(assembly=assembly, membership=membership)
        emails.convocation_email(assembly, membership)
        sent += 1
    return sent


@transaction.atomic
def assembly_hold(*, assembly_id: int, by) -> GeneralAssembly:
    """Mark the assembly held once it has begun: the members counted for the quorum are
    frozen, the minutes can be printed. Again: no-op."""
    assembly = locked(assembly_id)
    require(perms.can_manage_association(by))
    if assembly.status == AssemblyStatus.HELD:
        return assembly
    workflow.check(assembly, AssemblyStatus.HELD, refused=_refused)
    if not perms.can_hold_assembly(by, assembly):
        raise Conflict(_("L'assemblée n'a pas encore commencé : elle ne peut pas être tenue."))
    _advance(
        assembly,
        AssemblyStatus.HELD,
        by=by,
        held_at=timezone.now(),
        members_count=active_members().count(),
    )
    return assembly


@transaction.atomic
def assembly_cancel(*, assembly_id: int, by, reason: str) -> GeneralAssembly:
    """Cancel an assembly not held yet, with a reason. Again: no-op."""
    assembly = locked(assembly_id)
    require(perms.can_cancel_assembly(by, assembly))
    reason = required_text(reason, "reason", _("Indiquez le motif de l'annulation."))
    _advance(assembly, AssemblyStatus.CANCELLED, by=by, note=reason, cancel_reason=reason)
    return assembly
