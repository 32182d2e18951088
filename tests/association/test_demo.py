"""The demo association: its identity, last spring's held assembly (attendance, a proxy, two
resolutions adopted, its minutes) and the next one convened, this year's fees mostly paid;
seeding again adds nothing."""

from django.utils import timezone

from association.models import (
    AssemblyStatus,
    Attendance,
    Convocation,
    FeePayment,
    GeneralAssembly,
    LegalIdentity,
)
from association.selectors import assembly_quorum, fee_status
from tests.shared_data import between_demo_seeds, reads_shared


@between_demo_seeds
def association_counts():
    return (
        GeneralAssembly.objects.count(),
        Attendance.objects.count(),
        Convocation.objects.count(),
        FeePayment.objects.count(),
    )


@reads_shared("demo", "demo_again")
def test_the_demo_association_has_its_life_and_seeding_again_adds_nothing(shared_data, settings):
    settings.ESS_DEMO = True
    assert association_counts() == shared_data["demo_again"][association_counts]

    identity = LegalIdentity.current()
    identity.full_clean()  # the RNA number and the SIRET are valid
    assert identity.signatory_function == "Président"

    held = GeneralAssembly.objects.get(status=AssemblyStatus.HELD)
    assert held.starts_at < timezone.now()
    assert held.attendances.filter(mode="represented").count() == 1
    assert assembly_quorum(held).reached
    assert [r.adopted for r in held.resolutions.all()] == [True, True]
    assert held.minutes_notes
    upcoming = GeneralAssembly.objects.get(status=AssemblyStatus.CONVENED)
    assert upcoming.starts_at > timezone.now()
    assert upcoming.convocations.exists()

    status = fee_status(
        FeePayment.objects.filter(fee_year__year=timezone.localdate().year)[0].fee_year
    )
    assert len(status.payments) > len(status.unpaid) > 0
