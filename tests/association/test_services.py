"""The association's services: legal identity, general assemblies (convocations, attendance
and proxies, quorum, votes, workflow) and membership fees. Every refusal says why in French
and changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from association import services
from association.models import (
    AssemblyStatus,
    Attendance,
    FeePayment,
    FeeYear,
    GeneralAssembly,
    LegalIdentity,
    Resolution,
)
from association.selectors import assembly_quorum, fee_status, quorum_required
from ess.errors import Conflict, TransitionNotAllowed
from ess.models import OutboundEmail
from ess.money import euros
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Legal identity
# ---------------------------------------------------------------------------------------------
def test_the_legal_identity_is_recorded_with_a_valid_rna_and_siret(scene):
    services.legal_identity_update(
        by=scene.manager,
        rna="w 451012345",
        siret="912 345 675 00017",
        seat_address="1 rue de la République, Orléans",
        signatory_name="Dr Marc Rousseau",
        signatory_function="Président",
    )

    identity = LegalIdentity.current()
    assert identity.rna == "W451012345"
    assert identity.siret == "91234567500017"
    assert identity.signatory_function == "Président"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rna", "W45101234", "W suivi de 9 chiffres"),
        ("rna", "451012345X", "W suivi de 9 chiffres"),
        ("siret", "91234567500018", "La clé du SIRET est incorrecte"),
        ("siret", "9123", "exactement 14 chiffres"),
    ],
)
def test_a_wrong_rna_or_siret_is_refused_and_nothing_changes(scene, field, value, message):
    services.legal_identity_update(by=scene.manager, rna="W451012345", siret="91234567500017")

    with pytest.raises(ValidationError) as refused:
        services.legal_identity_update(by=scene.manager, **{field: value})

    assert message in str(refused.value.message_dict[field])
    identity = LegalIdentity.current()
    assert (identity.rna, identity.siret) == ("W451012345", "91234567500017")


def test_only_the_management_records_the_identity(scene):
    with pytest.raises(PermissionDenied):
        services.legal_identity_update(by=scene.members[0].user, rna="W451012345")
    assert LegalIdentity.current() is None


# ---------------------------------------------------------------------------------------------
# Assemblies: workflow and convocations
# ---------------------------------------------------------------------------------------------
def test_an_assembly_takes_its_quorum_and_proxies_from_the_settings(scene, settings):
    settings.ESS_ASSEMBLY_QUORUM = "0.25"
    settings.ESS_ASSEMBLY_MAX_PROXIES = 3

    assembly = scene.assembly()

    assert assembly.quorum == Decimal("0.25")
    assert assembly.max_proxies == 3
    assert assembly.status == AssemblyStatus.PLANNED


def test_an_assembly_without_place_or_agenda_is_refused(scene):
    with pytest.raises(ValidationError) as refused:
        services.assembly_create(
            by=scene.manager, starts_at=timezone.now(), place="", agenda="Ordre du jour"
        )
    assert "lieu" in str(refused.value.message_dict["place"])
    with pytest.raises(ValidationError):
        services.assembly_create(
            by=scene.manager, starts_at=timezone.now(), place="Orléans", agenda=" "
        )
    with pytest.raises(ValidationError) as refused:
        services.assembly_create(
            by=scene.manager, starts_at=timezone.now(), place="Orléans", agenda="x", quorum="1.5"
        )
    assert "quorum" in str(refused.value.message_dict["quorum"])
    assert not GeneralAssembly.objects.exists()


def test_convening_emails_each_active_member_once(scene):
    MembershipFactory()  # an application, not a member
    assembly = scene.assembly()

    services.assembly_convene(assembly_id=assembly.pk, by=scene.manager)
    services.assembly_convene(assembly_id=assembly.pk, by=scene.manager)  # a retried request

    emails = OutboundEmail.objects.order_by("to")
    assert sorted(e.to for e in emails) == sorted(m.email for m in scene.members)
    assert all("Convocation à l'assemblée générale ordinaire" in e.subject for e in emails)
    assert "2. Comptes de l'exercice" in emails[0].body_text
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.CONVENED
    assert list(assembly.events.values_list("to_status", flat=True)) == ["planned", "convened"]


def test_a_member_cannot_convene_and_nothing_is_sent(scene):
    assembly = scene.assembly()

    with pytest.raises(PermissionDenied):
        services.assembly_convene(assembly_id=assembly.pk, by=scene.members[0].user)

    assert not OutboundEmail.objects.exists()
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.PLANNED


def test_an_assembly_is_held_once_begun_and_then_no_longer_cancelled(scene):
    future = scene.convened(days=10)
    with pytest.raises(Conflict):
        services.assembly_hold(assembly_id=future.pk, by=scene.manager)
    future.refresh_from_db()
    assert future.status == AssemblyStatus.CONVENED

    held = services.assembly_hold(assembly_id=scene.convened().pk, by=scene.manager)
    assert held.members_count == 4
    with pytest.raises(TransitionNotAllowed):
        services.assembly_cancel(assembly_id=held.pk, by=scene.manager, reason="Erreur")
    held.refresh_from_db()
    assert held.status == AssemblyStatus.HELD


def test_a_planned_assembly_cannot_be_held_before_it_is_convened(scene):
    assembly = scene.assembly(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(TransitionNotAllowed):
        services.assembly_hold(assembly_id=assembly.pk, by=scene.manager)


def test_cancelling_needs_a_reason(scene):
    assembly = scene.assembly()
    with pytest.raises(ValidationError):
        services.assembly_cancel(assembly_id=assembly.pk, by=scene.manager, reason=" ")
    services.assembly_cancel(assembly_id=assembly.pk, by=scene.manager, reason="Salle indisponible")
    assembly.refresh_from_db()
    assert (assembly.status, assembly.cancel_reason) == ("cancelled", "Salle indisponible")


# ---------------------------------------------------------------------------------------------
# Attendance, proxies, quorum
# ---------------------------------------------------------------------------------------------
def test_a_present_member_holds_proxies_up_to_the_maximum(scene):
    a, b, c, d = scene.members
    assembly = scene.convened(max_proxies=2)
    scene.present(assembly, a)
    scene.proxy(assembly, b, a)
    scene.proxy(assembly, c, a)

    with pytest.raises(ValidationError) as refused:
        scene.proxy(assembly, d, a)

    assert "détient déjà 2 procurations" in str(refused.value.message_dict["proxy_holder"])
    assert not Attendance.objects.filter(membership=d).exists()
    assert assembly.attendances.filter(proxy_holder=a).count() == 2


def test_only_a_present_member_holds_a_proxy(scene):
    a, b, *_ = scene.members
    assembly = scene.convened()

    with pytest.raises(ValidationError) as refused:
        scene.proxy(assembly, b, a)

    assert "seul un membre présent" in str(refused.value.message_dict["proxy_holder"])
    assert not assembly.attendances.exists()


def test_a_member_is_never_both_present_and_represented(scene):
    a, b, c, _ = scene.members
    assembly = scene.convened()
    scene.present(assembly, a, b)
    scene.proxy(assembly, c, a)

    # Present, then represented: one line, which says represented.
    scene.proxy(assembly, b, a)
    assert Attendance.objects.get(assembly=assembly, membership=b).mode == "represented"
    # A holder of proxies cannot be represented.
    scene.present(assembly, b)
    with pytest.raises(ValidationError) as refused:
        scene.proxy(assembly, a, b)
    assert "un membre représenté ne peut pas en détenir" in str(refused.value)
    assert Attendance.objects.get(assembly=assembly, membership=a).mode == "present"
    # Nor give a proxy to themselves.
    with pytest.raises(ValidationError):
        scene.proxy(assembly, b, b)


def test_attendance_is_recorded_only_once_convened_and_until_held(scene):
    planned = scene.assembly()
    with pytest.raises(Conflict):
        scene.present(planned, scene.members[0])
    held = services.assembly_hold(assembly_id=scene.convened().pk, by=scene.manager)
    with pytest.raises(Conflict):
        scene.present(held, scene.members[0])
    assert not Attendance.objects.exists()


def test_the_quorum_counts_present_and_represented_members(scene):
    a, b, c, _ = scene.members
    assembly = scene.convened(quorum="0.75")  # 4 members: 3 needed
    scene.present(assembly, a)
    scene.proxy(assembly, b, a)

    quorum = assembly_quorum(assembly)
    assert (quorum.members, quorum.required, quorum.counted, quorum.reached) == (4, 3, 2, False)

    scene.present(assembly, c)
    assert assembly_quorum(assembly).reached


def test_the_quorum_rounds_up_and_needs_at_least_one():
    assert quorum_required(7, Decimal("0.5")) == 4
    assert quorum_required(8, Decimal("0.5")) == 4
    assert quorum_required(0, Decimal("0.5")) == 1


# ---------------------------------------------------------------------------------------------
# Resolutions and votes
# ---------------------------------------------------------------------------------------------
def _vote(scene, assembly, f, a, s=0, **more):
    return services.resolution_record(
        assembly_id=assembly.pk,
        by=scene.manager,
        title="Approbation des comptes",
        votes_for=f,
        votes_against=a,
        abstentions=s,
        **more,
    )


def test_a_resolution_is_adopted_by_a_simple_or_a_qualified_majority(scene):
    assembly = scene.convened()
    scene.present(assembly, *scene.members)

    assert _vote(scene, assembly, 3, 1).adopted
    assert not _vote(scene, assembly, 2, 2).adopted
    assert not _vote(scene, assembly, 2, 1, 1, qualified_majority="0.75").adopted
    assert _vote(scene, assembly, 3, 1, qualified_majority="0.67").adopted
    assert list(assembly.resolutions.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_two_thirds_of_the_votes_cast_reach_a_majority_of_0_67(scene):
    assembly = scene.convened()
    scene.present(assembly, *scene.members)

    assert _vote(scene, assembly, 2, 1, 1, qualified_majority="0.67").adopted
    assert not _vote(scene, assembly, 1, 1, qualified_majority="0.67").adopted
    assert _vote(scene, assembly, 3, 1, qualified_majority="0.75").adopted


def test_more_votes_than_voters_are_refused(scene):
    assembly = scene.convened()
    scene.present(assembly, *scene.members[:2])

    with pytest.raises(ValidationError) as refused:
        _vote(scene, assembly, 2, 1)

    assert "3 voix pour 2 membres présents ou représentés" in str(refused.value)
    with pytest.raises(ValidationError):
        _vote(scene, assembly, 1, 0, qualified_majority="0.4")
    assert not Resolution.objects.exists()


# ---------------------------------------------------------------------------------------------
# Membership fees
# ---------------------------------------------------------------------------------------------
def test_fees_are_decimal_euros_and_formatted_the_french_way(scene):
    fee_year = services.fee_year_set(by=scene.manager, year=2026, amount="1 234,5")

    assert fee_year.amount == Decimal("1234.50")
    assert euros(fee_year.amount) == "1\u202f234,50\u00a0€"
    for bad in ("0", "-3", "abc", "12,345"):
        with pytest.raises(ValidationError):
            services.fee_year_set(by=scene.manager, year=2027, amount=bad)
    assert not FeeYear.objects.filter(year=2027).exists()


def test_who_paid_and_who_has_not(scene):
    a, b, c, d = scene.members
    services.fee_year_set(by=scene.manager, year=2026, amount="30")
    today = timezone.localdate()
    services.fee_payment_record(
        by=scene.manager, year=2026, membership_id=a.pk, paid_on=today, means="cheque"
    )
    services.fee_payment_record(
        by=scene.manager,
        year=2026,
        membership_id=b.pk,
        paid_on=today,
        amount="45,00",
        means="transfer",
    )

    status = fee_status(FeeYear.objects.get(year=2026))
    assert [p.membership for p in status.payments] == [a, b]
    assert status.unpaid == [c, d]
    assert status.total == Decimal("75.00")


def test_a_fee_is_paid_once_and_its_amount_is_then_fixed(scene):
    a = scene.members[0]
    services.fee_year_set(by=scene.manager, year=2026, amount="30")
    services.fee_payment_record(
        by=scene.manager,
        year=2026,
        membership_id=a.pk,
        paid_on=timezone.localdate(),
        means="cash",
    )

    with pytest.raises(ValidationError) as refused:
        services.fee_payment_record(
            by=scene.manager,
            year=2026,
            membership_id=a.pk,
            paid_on=timezone.localdate(),
            means="cash",
        )
    assert "a déjà payé la cotisation 2026" in str(refused.value)
    with pytest.raises(Conflict):
        services.fee_year_set(by=scene.manager, year=2026, amount="35")
    assert FeePayment.objects.count() == 1
    assert FeeYear.objects.get(year=2026).amount == Decimal("30.00")


def test_a_payment_needs_a_set_fee_a_member_and_a_past_date(scene):
    a = scene.members[0]
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.fee_payment_record(
            by=scene.manager, year=2026, membership_id=a.pk, paid_on=today, means="cash"
        )
    assert "Fixez d'abord le montant" in str(refused.value)
    services.fee_year_set(by=scene.manager, year=2026, amount="30")
    applicant = MembershipFactory()
    with pytest.raises(ValidationError):
        services.fee_payment_record(
            by=scene.manager, year=2026, membership_id=applicant.pk, paid_on=today, means="cash"
        )
    with pytest.raises(ValidationError):
        services.fee_payment_record(
            by=scene.manager,
            year=2026,
            membership_id=a.pk,
            paid_on=today + timedelta(days=2),
            means="cash",
        )
    with pytest.raises(PermissionDenied):
        services.fee_payment_record(
            by=a.user, year=2026, membership_id=a.pk, paid_on=today, means="cash"
        )
    assert not FeePayment.objects.exists()
