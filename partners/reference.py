"""Reference data the ESS starts with: partner types and convention kinds. Extensible: managers
add more in the admin. Loaded by a data migration (and by the tests after a flush)."""

PARTNER_TYPES = [
    ("cpts", "Communauté professionnelle territoriale de santé (CPTS)"),
    ("msp", "Maison de santé pluriprofessionnelle (MSP)"),
    ("esp", "Équipe de soins primaires (ESP)"),
    ("dac", "Dispositif d'appui à la coordination (DAC)"),
    ("ght", "Groupement hospitalier de territoire (GHT)"),
    ("ch", "Centre hospitalier (CH)"),
    ("chr", "Centre hospitalier régional (CHR)"),
    ("chu", "Centre hospitalier universitaire (CHU)"),
    ("clinique", "Clinique / établissement privé"),
    ("ehpad", "EHPAD"),
    ("centre-sante", "Centre de santé"),
    ("sas", "Service d'accès aux soins (SAS)"),
    ("autre", "Autre"),
]

CONVENTION_KINDS = [
    ("partenariat", "Convention de partenariat"),
    ("protocole-cooperation", "Protocole de coopération"),
    ("protocole-organisation", "Protocole d'organisation"),
    ("tele-expertise", "Convention de télé-expertise"),
    ("consultation-avancee", "Convention d'accueil de consultations avancées"),
    ("autre", "Autre"),
]


def reference_data_load(*, apps=None) -> None:
    """Idempotent: `update_or_create` on the code keeps a re-run (or a later label fix) harmless;
    types added in the admin are left alone."""
    if apps is None:
        from django.apps import apps
    PartnerType = apps.get_model("partners", "PartnerType")
    ConventionKind = apps.get_model("partners", "ConventionKind")
    for position, (code, label) in enumerate(PARTNER_TYPES, start=1):
        PartnerType.objects.update_or_create(
            code=code, defaults={"label": label, "position": position * 10}
        )
    for position, (code, label) in enumerate(CONVENTION_KINDS, start=1):
        ConventionKind.objects.update_or_create(
            code=code, defaults={"label": label, "position": position * 10}
        )
