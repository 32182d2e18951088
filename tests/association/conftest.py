from datetime import timedelta

import pytest
from django.utils import timezone

from association import services
from association.models import GeneralAssembly
from tests.factories import MembershipFactory, UserFactory


class Scene:
    """The management and four members (active memberships, each with an account)."""

    def __init__(self):
        self.manager = UserFactory(manager=True)
        self.members = [
            MembershipFactory(active=True, first_name=name, last_name=last)
            for name, last in (
                ("Anne", "Arnaud"),
                ("Bruno", "Blanc"),
                ("Chloé", "Caron"),
                ("Denis", "Dupuis"),
            )
        ]

    def assembly(self, *, starts_at=None, **fields):
        return services.assembly_create(
            by=self.manager,
            starts_at=starts_at or timezone.now() + timedelta(days=20),
            place="Maison des associations, Orléans",
            agenda="1. Rapport moral\n2. Comptes de l'exercice",
            **fields,
        )

    def convened(self, *, days: int = -1, **fields):
        """A convened assembly, begun `days` from now (in the past by default): convened
        while it was to come, its date then reached."""
        starts_at = timezone.now() + timedelta(days=days)
        assembly = self.assembly(
            starts_at=max(starts_at, timezone.now() + timedelta(days=1)), **fields
        )
        services.assembly_convene(assembly_id=assembly.pk, by=self.manager)
        GeneralAssembly.objects.filter(pk=assembly.pk).update(starts_at=starts_at)
        assembly.refresh_from_db()
        return assembly

    def present(self, assembly, *members):
        for m in members:
            services.attendance_record(assembly_id=assembly.pk, by=self.manager, membership_id=m.pk)

    def proxy(self, assembly, represented, holder):
        return services.attendance_record(
            assembly_id=assembly.pk,
            by=self.manager,
            membership_id=represented.pk,
            proxy_holder_id=holder.pk,
        )


@pytest.fixture
def scene(db):
    return Scene()
