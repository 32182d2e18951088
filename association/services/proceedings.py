"""What happens at a convened assembly until it is held: the members present or represented
by a proxy, and the resolutions voted."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from association import permissions as perms
from association.models import Attendance, AttendanceMode, GeneralAssembly, Resolution
from association.services.common import active_member, fraction, locked
from ess.errors import Conflict
from ess.permissions import require
from ess.text import required_text

ATTENDANCE_CLOSED = gettext_lazy(
    "Les présences se notent une fois l'assemblée convoquée, jusqu'à ce qu'elle soit tenue."
)
VOTES_CLOSED = gettext_lazy(
    "Les votes s'enregistrent une fois l'assemblée convoquée, jusqu'à ce qu'elle soit tenue."
)


def _locked_while_open(assembly_id: int, by, closed) -> GeneralAssembly:
    """The assembly, locked, for the management to record attendance or votes: once convened,
    until held (Conflict with the `closed` message otherwise)."""
    assembly = locked(assembly_id)
    require(perms.can_manage_association(by))
    if not perms.can_record_attendance(by, assembly):
        raise Conflict(str(closed))
    return assembly


@transaction.atomic
def attendance_record(
    *, assembly_id: int, by, membership_id: int, proxy_holder_id: int | None = None
) -> Attendance:
    """Record a member present, or represented by a present member holding their proxy (a
    holder holds at most the assembly's `max_proxies`). A member is never both present and
    represented: recording them again replaces their line, unless they hold proxies and would
    become represented. Once convened, until held (Conflict otherwise)."""
    assembly = _locked_while_open(assembly_id, by, ATTENDANCE_CLOSED)
    membership = active_member(membership_id)
    current = assembly.attendances.filter(membership=membership).first()
    if proxy_holder_id in (None, ""):
        mode, holder = AttendanceMode.PRESENT, None
    else:
        holder = active_member(proxy_holder_id)
        mode = AttendanceMode.REPRESENTED
        if holder.pk == membership.pk:
            raise ValidationError(
                {"proxy_holder": _("Un membre ne peut pas se donner procuration à lui-même.")}
            )
        if not assembly.attendances.filter(membership=holder, mode=AttendanceMode.PRESENT).exists():
            raise ValidationError(
                {
                    "proxy_holder": _(
                        "%(name)s n'est pas noté(e) présent(e) : seul un membre présent "
                        "peut détenir une procuration."
                    )
                    % {"name": holder.display_name}
                }
            )
        held = assembly.attendances.filter(proxy_holder=holder).exclude(membership=membership)
        if held.count() >= assembly.max_proxies:
            raise ValidationError(
                {
                    "proxy_holder": ngettext(
                        "%(name)s détient déjà %(count)s procuration, le maximum pour cette "
                        "assemblée.",
                        "%(name)s détient déjà %(count)s procurations, le maximum pour cette "
                        "assemblée.",
                        assembly.max_proxies,
                    )
                    % {"name": holder.display_name, "count": assembly.max_proxies}
                }
            )
        if assembly.attendances.filter(proxy_holder=membership).exists():
            raise ValidationError(
                {
                    "membership": _(
                        "%(name)s détient des procurations : un membre représenté ne peut pas "
                        "en détenir."
                    )
                    % {"name": membership.display_name}
                }
            )
    if current is None:
        return Attendance.objects.create(
            assembly=assembly, membership=membership, mode=mode, proxy_holder=holder
        )
    current.mode, current.proxy_holder = mode, holder
    current.save(update_fields=["mode", "proxy_holder"])
    return current


@transaction.atomic
def attendance_remove(*, assembly_id: int, by, membership_id: int) -> None:
    """Remove a member's line (absent after all); a present member holding proxies keeps them
    until those are removed first (ValidationError)."""
    assembly = _locked_while_open(assembly_id, by, ATTENDANCE_CLOSED)
    if assembly.attendances.filter(proxy_holder_id=membership_id).exists():
        raise ValidationError(
            {"membership": _("Ce membre détient des procurations : retirez-les d'abord.")}
        )
    assembly.attendances.filter(membership_id=membership_id).delete()


# ---------------------------------------------------------------------------------------------
# Resolutions
# ---------------------------------------------------------------------------------------------
def _count(value, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ValidationError({field: _("Indiquez un nombre de voix (zéro ou plus).")})
    return number


@transaction.atomic
def resolution_record(
    *,
    assembly_id: int,
    by,
    title: str,
    text: str = "",
    votes_for,
    votes_against,
    abstentions,
    qualified_majority=None,
) -> Resolution:
    """Record a resolution and its vote. The voices cast never exceed the members present or
    represented (ValidationError). Adopted when the votes for outnumber those against, or
    reach the qualified majority when one is given (an extraordinary assembly's)."""
    assembly = _locked_while_open(assembly_id, by, VOTES_CLOSED)
    title = required_text(title, "title", _("Donnez un intitulé à la résolution."))
    counts = {
        "votes_for": _count(votes_for, "votes_for"),
        "votes_against": _count(votes_against, "votes_against"),
        "abstentions": _count(abstentions, "abstentions"),
    }
    voters = assembly.attendances.count()
    if sum(counts.values()) > voters:
        raise ValidationError(
            {
                "votes_for": _(
                    "%(cast)s voix pour %(voters)s membres présents ou représentés : "
                    "vérifiez les nombres."
                )
                % {"cast": sum(counts.values()), "voters": voters}
            }
        )
    majority = fraction(
        qualified_majority,
        "qualified_majority",
        _("La majorité qualifiée est une part des suffrages entre 0,5 et 1 (ex. : 0,67)."),
        low=Decimal("0.5"),
        optional=True,
    )
    last = assembly.resolutions.aggregate(p=Max("position"))["p"]
    return Resolution.objects.create(
        assembly=assembly,
        position=(last or 0) + 1,
        title=title,
        text=(text or "").strip(),
        qualified_majority=majority,
        **counts,
    )
