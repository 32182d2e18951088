"""Demo health project: v1 validated by the ARS, v2 being drafted from it."""

from datetime import timedelta

from django.utils import timezone

from projet_sante.project import services as ps
from projet_sante.project.models import ProjectVersion

PROJECT_V1 = {
    "diagnostic": """Le Loiret compte environ **680 000 habitants** répartis entre la métropole \
orléanaise, l'agglomération montargoise et de vastes territoires ruraux (Gâtinais, Giennois, \
Sologne, Beauce). La densité de cardiologues libéraux y est inférieure de près de 40 % à la \
moyenne nationale, et plusieurs cabinets ont fermé sans successeur depuis 2020.

Les médecins généralistes du territoire déclarent des délais d'accès à un avis cardiologique \
de **trois à six mois** pour une consultation programmée, et l'absence d'interlocuteur \
identifié pour les situations non programmées (palpitations, suspicion d'insuffisance \
cardiaque, bilan préopératoire urgent).

## Constats partagés avec les CPTS

- une population âgée et polypathologique, notamment dans le Giennois et le Montargois ;
- des recours évitables aux urgences du CHR d'Orléans et du CH de l'Agglomération Montargoise ;
- des EHPAD sans accès simple à un avis cardiologique ni à l'interprétation d'un ECG ;
- une offre concentrée à Orléans, à plus de 45 minutes de route pour une partie des communes.

| Indicateur | Loiret | France |
|---|---|---|
| Cardiologues libéraux pour 100 000 hab. | 4,1 | 6,8 |
| Part des 75 ans et plus | 10,4 % | 9,8 % |
""",
    "missions": """L'ESS Cardiologie Loiret porte les deux **missions socles** des équipes de \
soins spécialisés, et trois missions complémentaires.

1. **Appui aux médecins de premier recours** : tout professionnel du territoire obtient un avis \
cardiologique dans un délai adapté à la situation (télé-expertise, téléconsultation assistée, \
consultation rapide), avec un retour écrit au médecin traitant.
2. **Organisation de l'accès aux soins spécialisés** : consultations avancées dans les communes \
les moins bien dotées, parcours coordonnés avec les établissements du GHT.

Missions complémentaires : prévention et dépistage (fibrillation atriale, hypertension), \
formation des professionnels de premier recours, accueil d'internes.
""",
    "actions": """Chaque mission se décline en actions pilotées, datées et suivies par des \
indicateurs (voir le tableau de suivi). Les actions sont revues chaque trimestre en bureau et \
présentées dans la lettre d'information.

> Principe : une action sans pilote ni échéance n'est pas inscrite au projet.
""",
    "governance": """L'ESS est constituée en **association loi 1901**. Son conseil \
d'administration réunit les cardiologues membres ; un bureau de cinq membres se réunit chaque \
mois.

- **Présidence** : Dr Hélène Roux, cardiologue à Orléans ;
- **coordination** : une coordinatrice salariée (0,8 ETP) assure la régulation des demandes ;
- **comité de suivi** semestriel avec l'ARS Centre-Val de Loire, la CPAM du Loiret et les CPTS.

Les décisions relatives au projet de santé sont prises en assemblée générale.
""",
    "information_system": """La plateforme « guichet unique » de l'ESS reçoit les demandes des \
professionnels (formulaire web ou API), permet leur régulation et leur suivi jusqu'au retour \
au médecin traitant.

- hébergement chez un hébergeur certifié HDS ;
- identification des patients par l'INS, traçabilité de chaque consultation de données ;
- messagerie sécurisée de santé pour les échanges avec les établissements.
""",
    "partnerships": """L'ESS a conventionné avec les CPTS du territoire, le GHT du Loiret et \
plusieurs EHPAD. Les conventions précisent les modalités d'adressage, les délais de réponse et \
l'information réciproque.

- CPTS Orléans Métropole, CPTS du Giennois, CPTS Gâtinais Montargois ;
- CHR d'Orléans (filière cardiologie, plateau de rythmologie) ;
- DAC 45 pour les situations complexes.
""",
    "evaluation": """Le projet est évalué chaque trimestre à partir des indicateurs produits \
par la plateforme, présentés en comité de suivi :

1. nombre de demandes reçues et part traitée dans le délai cible ;
2. délai médian de réponse, par priorité ;
3. taux de boucle fermée (retour écrit au médecin traitant) ;
4. consultations avancées tenues et patients vus.

Une évaluation qualitative auprès des médecins adresseurs est menée chaque année.
""",
}

# What v2 changes: a new advanced-consultation site and a tighter target.
PROJECT_V2_CHANGES = {
    "missions": PROJECT_V1["missions"].replace(
        "communes les moins bien dotées",
        "communes les moins bien dotées (Gien, Pithiviers et, depuis cette version, "
        "Sully-sur-Loire)",
    )
    + "\nObjectif : **80 % des demandes P2 traitées en moins de 48 h** (contre 70 % en v1).\n",
    "evaluation": PROJECT_V1["evaluation"].replace(
        "Une évaluation qualitative",
        "5. part des demandes venant des EHPAD.\n\nUne évaluation qualitative",
    ),
}

PROJECT_MISSIONS = [
    (
        "core_1",
        "Avis cardiologiques pour le premier recours",
        "Réponse à toute demande d'avis d'un professionnel du territoire, dans un délai fixé "
        "par la priorité.",
        [
            (
                "Ouvrir la télé-expertise asynchrone à tous les médecins du Loiret",
                "direction",
                "",
                100,
                "done",
                ["requests_received", "response_median_hours"],
            ),
            (
                "Garantir un avis sous 48 h pour les demandes P2",
                "coordination",
                "",
                70,
                "in_progress",
                ["p2_within_due_pct"],
            ),
        ],
    ),
    (
        "core_2",
        "Consultations avancées et parcours coordonnés",
        "Demi-journées de consultation dans les communes éloignées d'un cabinet de cardiologie.",
        [
            (
                "Consultation avancée hebdomadaire à Gien",
                "cardiologue",
                "",
                100,
                "done",
                ["sessions_held", "patients_seen"],
            ),
            (
                "Ouvrir une consultation avancée à Pithiviers",
                "cardiologue2",
                "",
                45,
                "in_progress",
                ["sessions_held", "communes_served"],
            ),
            (
                "Parcours insuffisance cardiaque avec les IPA",
                "",
                "CPTS du Giennois",
                20,
                "planned",
                [],
            ),
        ],
    ),
    (
        "other",
        "Prévention et formation",
        "Dépistage de la fibrillation atriale et formation des professionnels de premier recours.",
        [
            (
                "Soirées de formation « ECG en soins primaires »",
                "cardiologue",
                "",
                60,
                "in_progress",
                [],
            ),
            ("Campagne de dépistage en pharmacie", "", "URPS Pharmaciens", 0, "abandoned", []),
        ],
    ),
]


def seed_health_project(users: dict) -> int:
    """v1 submitted, commented and validated by the demo ARS account; v2 opened from it with
    changes (so that the diff shows something). Idempotent: nothing if a version exists."""
    if ProjectVersion.objects.exists():
        return ProjectVersion.objects.count()
    manager, authority = users["direction"], users["ars"]
    v1 = ps.version_start(by=manager)
    for key, body in PROJECT_V1.items():
        ps.section_update(version_id=v1.pk, key=key, by=manager, body=body)
    today = timezone.localdate()
    for kind, title, description, actions in PROJECT_MISSIONS:
        mission = ps.mission_save(
            version_id=v1.pk, by=manager, kind=kind, title=title, description=description
        )
        for position, (a_title, owner, owner_name, progress, status, codes) in enumerate(actions):
            ps.action_save(
                version_id=v1.pk,
                mission_id=mission.pk,
                by=manager,
                title=a_title,
                owner=users.get(owner) if owner else None,
                owner_name=owner_name,
                target_date=today + timedelta(days=60 * (position + 1)),
                status=status,
                progress=progress,
                indicator_codes=codes,
            )
    ps.version_submit(version_id=v1.pk, by=manager)
    ps.comment_add(
        version_id=v1.pk,
        by=authority,
        section="diagnostic",
        body="Diagnostic clair. Merci de préciser dans la prochaine version la source des "
        "données de densité (RPPS, année).",
    )
    ps.version_validate(
        version_id=v1.pk, by=authority, note="Validé en comité de suivi ARS / CPAM."
    )
    v2 = ps.version_start(by=manager)
    for key, body in PROJECT_V2_CHANGES.items():
        ps.section_update(version_id=v2.pk, key=key, by=manager, body=body)
    ps.section_update(
        version_id=v2.pk,
        key="diagnostic",
        by=manager,
        body=PROJECT_V1["diagnostic"]
        + "\nSources : RPPS au 1er janvier de l'année, INSEE recensement.\n",
    )
    return 2
