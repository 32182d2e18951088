from ess.demo import seed_demo
from members.models import Organisation
from partners.models import Convention, ConventionDocument, Partner


def test_seed_demo_adds_realistic_partners_and_conventions_in_several_states(
    db, settings, territory
):
    settings.ESS_DEMO = True

    seed_demo()
    counts = (Partner.objects.count(), Convention.objects.count())
    seed_demo()

    assert (Partner.objects.count(), Convention.objects.count()) == counts
    assert {"cpts", "msp", "dac", "chr", "ehpad"} <= set(
        Partner.objects.values_list("type__code", flat=True)
    )
    assert {"draft", "negotiation", "signed", "active", "expired", "terminated"} == set(
        Convention.objects.values_list("status", flat=True)
    )
    for partner in Partner.objects.all():
        partner.full_clean()  # identifiers with valid keys
    assert ConventionDocument.objects.filter(doc_type="signed").count() == 5
    msp = Organisation.objects.get(name="Maison de santé de Meung-sur-Loire")
    assert msp.partner.type.code == "msp"
