"""Every write of the association's life: one function per action, keyword-only, one
transaction each. A refusal (PermissionDenied, ValidationError, Conflict, TransitionNotAllowed)
changes nothing.

Convocations go through the outbox in the transaction that convenes the assembly, one row per
member (`Convocation`), so none is ever sent twice."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association import emails
from association import permissions as perms
from association.models import (
    AssemblyKind,
    AssemblyStatus,
    Attendance,
    AttendanceMode,
    Convocation,
    FeePayment,
    FeeYear,
    GeneralAssembly,
    LegalIdentity,
    PaymentMeans,
    Resolution,
    Statutes,
)
from association.selectors import active_members
from ess import workflow
from ess.errors import Conflict
from ess.money import parse_amount
from ess.permissions import require
from ess.text import required_text
from ess.uploads import check_uploads
from ess.validators import validate_siret
from members.models import Membership

RNA_PATTERN = re.compile(r"^W\d{9}$")
ATTENDANCE_CLOSED = gettext_lazy(
    "Les présences se notent une fois l'assemblée convoquée, jusqu'à ce qu'elle soit tenue."
)
VOTES_CLOSED = gettext_lazy(
    "Les votes s'enregistrent une fois l'assemblée convoquée, jusqu'à ce qu'elle soit tenue."
)

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


def _fee_amount(value) -> Decimal:
    """A fee typed in euros ("35", "35,50", "1 234,5") or given as a Decimal, to the cent; a
    ValidationError on "amount" otherwise. Never a float."""
    amount = parse_amount(str(value if value is not None else ""))
    if amount is None or amount <= 0:
        raise ValidationError(
            {"amount": _("Indiquez un montant en euros supérieur à zéro, au centime près.")}
        )
    if amount >= Decimal("1000000"):
        raise ValidationError({"amount": _("Ce montant est trop élevé.")})
    return amount


def _locked(assembly_id: int) -> GeneralAssembly:
    return workflow.locked(GeneralAssembly, assembly_id)


# ---------------------------------------------------------------------------------------------
# Legal identity and statutes
# ---------------------------------------------------------------------------------------------
def clean_rna(value: str) -> str:
    """An RNA number: W and nine digits ("W451234567"); spaces are dropped, the W uppercased."""
    rna = re.sub(r"\s", "", value or "").upper()
    if rna and not RNA_PATTERN.match(rna):
        raise ValidationError(
            {"rna": _("Le numéro RNA s'écrit W suivi de 9 chiffres (ex. : W451234567).")}
        )
    return rna


@transaction.atomic
def legal_identity_update(
    *,
    by,
    rna: str = "",
    siret: str = "",
    seat_address: str = "",
    signatory_name: str = "",
    signatory_function: str = "",
) -> LegalIdentity:
    """Record the association's legal identity (the management: PermissionDenied otherwise).
    The RNA number is W and 9 digits, the SIRET 14 digits with a valid key (ValidationError
    naming the field)."""
    require(perms.can_manage_association(by))
    rna = clean_rna(rna)
    siret = re.sub(r"\s", "", siret or "")
    if siret:
        try:
            validate_siret(siret)
        except ValidationError as exc:
            raise ValidationError({"siret": exc.messages}) from exc
    identity, _created = LegalIdentity.objects.select_for_update().get_or_create(pk=1)
    identity.rna = rna
    identity.siret = siret
    identity.seat_address = (seat_address or "").strip()
    identity.signatory_name = (signatory_name or "").strip()
    identity.signatory_function = (signatory_function or "").strip()
    identity.save()
    return identity


@transaction.atomic
def statutes_upload(*, by, upload) -> Statutes:
    """Store a new version of the statutes, checked by their content (ess.uploads) and kept as
    a PDF; earlier versions are kept. Raises PermissionDenied, ValidationError."""
    require(perms.can_manage_association(by))
    if upload is None:
        raise ValidationError({"statutes": _("Choisissez le fichier des statuts.")})
    (checked,) = check_uploads([upload])
    if checked.content_type != "application/pdf":
        raise ValidationError(
            {
                "statutes": _("Les statuts se déposent en PDF (« %(name)s » n'en est pas un).")
                % {"name": checked.name}
            }
        )
    statutes = Statutes(uploaded_by=by)
    statutes.keep(checked)
    statutes.save()
    return statutes


# ---------------------------------------------------------------------------------------------
# General assemblies
# ---------------------------------------------------------------------------------------------
def _fraction(value, field: str, message: str, *, low: Decimal, optional: bool = False):
    if value in (None, "") and optional:
        return None
    try:
        fraction = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        fraction = None
    if fraction is None or not fraction.is_finite() or not (low < fraction <= 1):
        raise ValidationError({field: message})
    return fraction.quantize(Decimal("0.01"))


def _clean_assembly(
    *,
    kind: str,
    starts_at: datetime,
    place: str,
    video_url: str,
    agenda: str,
    quorum,
    max_proxies,
) -> dict:
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
    quorum = _fraction(
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
    *,
    by,
    kind: str = AssemblyKind.ORDINARY,
    starts_at: datetime,
    place: str = "",
    video_url: str = "",
    agenda: str,
    quorum=None,
    max_proxies=None,
) -> GeneralAssembly:
    """Plan a general assembly (the management). The quorum and the proxies per member default
    to the settings (ESS_ASSEMBLY_QUORUM, ESS_ASSEMBLY_MAX_PROXIES)."""
    require(perms.can_manage_association(by))
    defaults = GeneralAssembly()
    fields = _clean_assembly(
        kind=kind,
        starts_at=starts_at,
        place=place,
        video_url=video_url,
        agenda=agenda,
        quorum=defaults.quorum if quorum in (None, "") else quorum,
        max_proxies=defaults.max_proxies if max_proxies in (None, "") else max_proxies,
    )
    assembly = GeneralAssembly.objects.create(**fields)
    assembly.events.create(actor=by, to_status=AssemblyStatus.PLANNED)
    return assembly


@transaction.atomic
def assembly_update(
    *,
    assembly_id: int,
    by,
    kind: str,
    starts_at: datetime,
    place: str = "",
    video_url: str = "",
    agenda: str,
    quorum,
    max_proxies,
    minutes_notes: str = "",
) -> GeneralAssembly:
    """Change an assembly until it is held (Conflict after); the debates' summary for the
    minutes is written here too."""
    assembly = _locked(assembly_id)
    require(perms.can_manage_association(by))
    if assembly.is_closed:
        raise Conflict(_("Cette assemblée est tenue ou annulée : elle ne se modifie plus."))
    fields = _clean_assembly(
        kind=kind,
        starts_at=starts_at,
        place=place,
        video_url=video_url,
        agenda=agenda,
        quorum=quorum,
        max_proxies=max_proxies,
    )
    fields["minutes_notes"] = (minutes_notes or "").strip()
    for name, value in fields.items():
        setattr(assembly, name, value)
    assembly.save(update_fields=[*fields, "updated_at"])
    return assembly


@transaction.atomic
def assembly_convene(*, assembly_id: int, by) -> GeneralAssembly:
    """Convene the members: each active member is emailed the convocation once (a row per
    member in the same transaction). Again: no-op. Raises PermissionDenied,
    TransitionNotAllowed."""
    assembly = _locked(assembly_id)
    require(perms.can_convene_assembly(by, assembly))
    if assembly.status == AssemblyStatus.CONVENED:
        return assembly
    workflow.transition(assembly, to=AssemblyStatus.CONVENED, by=by, refused=_refused)
    assembly.convened_at = timezone.now()
    assembly.save(update_fields=["status", "convened_at", "updated_at"])
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
    assembly = _locked(assembly_id)
    require(perms.can_manage_association(by))
    if assembly.status == AssemblyStatus.HELD:
        return assembly
    workflow.check(assembly, AssemblyStatus.HELD, refused=_refused)
    if not perms.can_hold_assembly(by, assembly):
        raise Conflict(_("L'assemblée n'a pas encore commencé : elle ne peut pas être tenue."))
    workflow.transition(assembly, to=AssemblyStatus.HELD, by=by, refused=_refused)
    assembly.held_at = timezone.now()
    assembly.members_count = active_members().count()
    assembly.save(update_fields=["status", "held_at", "members_count", "updated_at"])
    return assembly


@transaction.atomic
def assembly_cancel(*, assembly_id: int, by, reason: str) -> GeneralAssembly:
    """Cancel an assembly not held yet, with a reason. Again: no-op."""
    assembly = _locked(assembly_id)
    require(perms.can_cancel_assembly(by, assembly))
    reason = required_text(reason, "reason", _("Indiquez le motif de l'annulation."))
    if assembly.status == AssemblyStatus.CANCELLED:
        return assembly
    workflow.transition(assembly, to=AssemblyStatus.CANCELLED, by=by, note=reason, refused=_refused)
    assembly.cancel_reason = reason
    assembly.save(update_fields=["status", "cancel_reason", "updated_at"])
    return assembly


# ---------------------------------------------------------------------------------------------
# Attendance and proxies
# ---------------------------------------------------------------------------------------------
def _member(membership_id) -> Membership:
    membership = active_members().filter(pk=membership_id).first()
    if membership is None:
        raise ValidationError({"membership": _("Choisissez un membre actif de l'association.")})
    return membership


@transaction.atomic
def attendance_record(
    *, assembly_id: int, by, membership_id: int, proxy_holder_id: int | None = None
) -> Attendance:
    """Record a member present, or represented by a present member holding their proxy (a
    holder holds at most the assembly's `max_proxies`). A member is never both present and
    represented: recording them again replaces their line, unless they hold proxies and would
    become represented. Once convened, until held (Conflict otherwise)."""
    assembly = _locked(assembly_id)
    require(perms.can_manage_association(by))
    if not perms.can_record_attendance(by, assembly):
        raise Conflict(str(ATTENDANCE_CLOSED))
    membership = _member(membership_id)
    current = assembly.attendances.filter(membership=membership).first()
    if proxy_holder_id in (None, ""):
        mode, holder = AttendanceMode.PRESENT, None
    else:
        holder = _member(proxy_holder_id)
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
                    "proxy_holder": _(
                        "%(name)s détient déjà %(count)s procuration(s), le maximum pour cette "
                        "assemblée."
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
    assembly = _locked(assembly_id)
    require(perms.can_manage_association(by))
    if not perms.can_record_attendance(by, assembly):
        raise Conflict(str(ATTENDANCE_CLOSED))
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
    assembly = _locked(assembly_id)
    require(perms.can_manage_association(by))
    if not perms.can_record_attendance(by, assembly):
        raise Conflict(str(VOTES_CLOSED))
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
    majority = _fraction(
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


# ---------------------------------------------------------------------------------------------
# Membership fees
# ---------------------------------------------------------------------------------------------
def _year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Indiquez une année (ex. : 2026).")})
    return year


@transaction.atomic
def fee_year_set(*, by, year, amount) -> FeeYear:
    """Set the fee of a year (Decimal euros). Once a member has paid it, the amount no longer
    changes (Conflict)."""
    require(perms.can_manage_association(by))
    year = _year(year)
    amount = _fee_amount(amount)
    fee_year = FeeYear.objects.select_for_update().filter(year=year).first()
    if fee_year is None:
        return FeeYear.objects.create(year=year, amount=amount)
    if fee_year.amount == amount:
        return fee_year
    if fee_year.payments.exists():
        raise Conflict(
            _("Des membres ont déjà payé la cotisation %(year)s : son montant ne change plus.")
            % {"year": year}
        )
    fee_year.amount = amount
    fee_year.save(update_fields=["amount"])
    return fee_year


@transaction.atomic
def fee_payment_record(
    *, by, year, membership_id: int, paid_on: date, amount=None, means: str
) -> FeePayment:
    """Record a member's fee for a year (once: a second payment is refused), by default the
    year's amount. Raises PermissionDenied, ValidationError."""
    require(perms.can_manage_association(by))
    year = _year(year)
    fee_year = FeeYear.objects.select_for_update().filter(year=year).first()
    if fee_year is None:
        raise ValidationError(
            {"year": _("Fixez d'abord le montant de la cotisation %(year)s.") % {"year": year}}
        )
    membership = _member(membership_id)
    if means not in PaymentMeans.values:
        raise ValidationError({"means": _("Choisissez le moyen de paiement.")})
    if paid_on is None:
        raise ValidationError({"paid_on": _("Indiquez la date du paiement.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("La date du paiement ne peut pas être à venir.")})
    amount = fee_year.amount if amount in (None, "") else _fee_amount(amount)
    if fee_year.payments.filter(membership=membership).exists():
        raise ValidationError(
            {
                "membership": _("%(name)s a déjà payé la cotisation %(year)s.")
                % {"name": membership.display_name, "year": year}
            }
        )
    return FeePayment.objects.create(
        fee_year=fee_year,
        membership=membership,
        paid_on=paid_on,
        amount=amount,
        means=means,
        recorded_by=by,
    )
