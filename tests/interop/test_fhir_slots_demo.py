"""The demo answers the SAS: a cardiologist opened office slots and advanced consultations."""

from fhir.resources.R4B.bundle import Bundle

from interop.platforms import register_platform
from members.models import User
from scheduling.models import AvailabilitySlot, ConsultationSession
from tests.shared_data import between_demo_seeds, reads_shared


@between_demo_seeds
def sas_openings():
    return (
        AvailabilitySlot.objects.filter(sas_open=True).count(),
        ConsultationSession.objects.filter(sas_open=True).count(),
    )


@reads_shared("demo", "demo_again")
def test_the_demo_cardiologist_opened_places_to_the_sas(shared_data, client):
    _, token = register_platform(name="SAS de démonstration", scopes=["slots"])
    cardiologist = User.objects.get(email="cardiologue@demo.example.org")

    response = client.get(
        "/fhir/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor&_count=200",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert sas_openings() == shared_data["demo_again"][sas_openings]
    slots, schedules = sas_openings()
    assert slots > 0 and schedules > 0
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.total > 0
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"Slot", "Schedule", "Practitioner", "PractitionerRole", "Location"} <= kinds
    ids = {
        i.value
        for e in bundle.entry
        if e.resource.get_resource_type() == "Practitioner"
        for i in e.resource.identifier
    }
    assert ids == {"8" + cardiologist.rpps}
