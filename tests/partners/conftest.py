from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.models import ConventionKind, Protocol, ProtocolTaskTemplate
from tests.factories import ConventionFactory
from tests.referrals.conftest import PDF_BYTES, png_bytes


def signed_pdf(name="convention-signee.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_upload(name="scan.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def personas(db, requester, coordinator, specialist, paramedic, manager, authority):
    from django.contrib.auth.models import AnonymousUser

    return {
        "requester": requester,
        "coordinator": coordinator,
        "specialist": specialist,
        "paramedic": paramedic,
        "manager": manager,
        "authority": authority,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture(autouse=True)
def _partner_reference_data(db):
    """Partner types and convention kinds come from a migration; a transactional test elsewhere
    may have emptied the tables."""
    from partners.models import PartnerType
    from partners.reference import reference_data_load

    if not PartnerType.objects.exists():
        reference_data_load()


def protocol_convention(*, in_force=True, doctors=(), delegates=(), title="Protocole IC", **kw):
    """A cooperation protocol's convention (in force, or expired) and its protocol with its
    people and a D7 call, written directly (setup only)."""
    today = timezone.localdate()
    dates = (
        {}
        if in_force
        else {
            "status": "expired",
            "signed_on": today - timedelta(days=400),
            "effective_on": today - timedelta(days=400),
            "end_on": today - timedelta(days=10),
        }
    )
    convention = ConventionFactory(
        kind=ConventionKind.objects.get(code="protocole-cooperation"),
        title=title,
        active=in_force,
        **dates,
        **kw,
    )
    protocol = Protocol.objects.create(convention=convention, eligibility="IC après sortie")
    protocol.delegating_doctors.set(doctors)
    protocol.delegates.set(delegates)
    ProtocolTaskTemplate.objects.create(protocol=protocol, label="Appel", kind="call", day=7)
    return protocol
