"""The ESS's indicators (docs/design.md §6), defined once: code, French label, unit, definition,
which direction is better, and whether small counts must be masked for ARS/CPAM readers.

Pages, CSV, API, PDFs, targets and the health project's actions all name indicators by the
codes of `REGISTRY`; `compute.py` fills them in.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Unit:
    COUNT = "count"
    PERCENT = "percent"
    HOURS = "hours"
    MINUTES = "minutes"
    DISTRIBUTION = "distribution"  # {key: count}


UNIT_LABELS = {
    Unit.COUNT: "",
    Unit.PERCENT: "%",
    Unit.HOURS: "h",
    Unit.MINUTES: "min",
    Unit.DISTRIBUTION: "",
}


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    unit: str
    description: str | Promise
    # "higher", "lower" or "" (no direction: a description of activity).
    better: str = ""
    group: str | Promise = ""
    # Derived from patients' referrals: small counts are masked for ARS/CPAM users.
    patient_data: bool = True


ACTIVITY = _("Activité")
DELAYS = _("Délais")
OUTCOMES = _("Issues des demandes")
IMMEDIATE = _("Avis immédiats")
NETWORK = _("Équipe et partenaires")
ADVANCED = _("Consultations avancées")
PATHWAYS = _("Parcours et télé-RCP")
EVENTS = _("Formation, prévention et éducation thérapeutique")
TERRITORY_GROUP = _("Représentativité et territoire")

# One row an indicator, in display order: code, unit, which direction is better ("higher",
# "lower" or "": no direction), group, whether it derives from patients' referrals.
_ROWS = (
    ("requests_received", Unit.COUNT, "", ACTIVITY, True),
    ("triage_median_hours", Unit.HOURS, "lower", DELAYS, True),
    ("triage_p90_hours", Unit.HOURS, "lower", DELAYS, True),
    ("response_median_hours", Unit.HOURS, "lower", DELAYS, True),
    ("response_p90_hours", Unit.HOURS, "lower", DELAYS, True),
    ("p1_within_due_pct", Unit.PERCENT, "higher", DELAYS, True),
    ("p2_within_due_pct", Unit.PERCENT, "higher", DELAYS, True),
    ("response_modes", Unit.DISTRIBUTION, "", ACTIVITY, True),
    ("requests_by_channel", Unit.DISTRIBUTION, "", ACTIVITY, True),
    ("acceptance_pct", Unit.PERCENT, "higher", OUTCOMES, True),
    ("decline_pct", Unit.PERCENT, "lower", OUTCOMES, True),
    ("reorientation_pct", Unit.PERCENT, "", OUTCOMES, True),
    ("closed_loop_pct", Unit.PERCENT, "higher", OUTCOMES, True),
    ("immediate_requests", Unit.COUNT, "", IMMEDIATE, True),
    ("immediate_callback_median_minutes", Unit.MINUTES, "lower", IMMEDIATE, True),
    ("immediate_callback_p90_minutes", Unit.MINUTES, "lower", IMMEDIATE, True),
    ("immediate_answered_15min_pct", Unit.PERCENT, "higher", IMMEDIATE, True),
    ("immediate_escalated_pct", Unit.PERCENT, "lower", IMMEDIATE, True),
    ("active_members", Unit.COUNT, "higher", NETWORK, False),
    ("members_by_specialty", Unit.DISTRIBUTION, "", NETWORK, False),
    ("partners", Unit.COUNT, "higher", NETWORK, False),
    ("conventions_in_force", Unit.COUNT, "higher", NETWORK, False),
    ("conventions_signed", Unit.COUNT, "", NETWORK, False),
    ("sessions_held", Unit.COUNT, "higher", ADVANCED, False),
    ("patients_seen", Unit.COUNT, "higher", ADVANCED, True),
    ("communes_served", Unit.COUNT, "higher", ADVANCED, False),
    ("pathways_open", Unit.COUNT, "", PATHWAYS, True),
    ("pathways_opened", Unit.COUNT, "", PATHWAYS, True),
    ("pathway_tasks_on_time", Unit.COUNT, "higher", PATHWAYS, True),
    ("pathway_tasks_on_time_pct", Unit.PERCENT, "higher", PATHWAYS, True),
    ("pathway_alerts", Unit.COUNT, "", PATHWAYS, True),
    ("pathway_alert_answer_median_hours", Unit.HOURS, "lower", PATHWAYS, True),
    ("rcp_meetings_held", Unit.COUNT, "higher", PATHWAYS, False),
    ("rcp_cases_discussed", Unit.COUNT, "higher", PATHWAYS, True),
    ("trainings_held", Unit.COUNT, "higher", EVENTS, False),
    ("professionals_trained", Unit.COUNT, "higher", EVENTS, False),
    ("training_hours", Unit.HOURS, "higher", EVENTS, False),
    ("trainee_hours", Unit.HOURS, "higher", EVENTS, False),
    ("campaigns_active", Unit.COUNT, "higher", EVENTS, False),
    ("campaign_people_reached", Unit.COUNT, "higher", EVENTS, False),
    ("campaign_screenings", Unit.COUNT, "higher", EVENTS, True),
    ("campaign_referrals", Unit.COUNT, "", EVENTS, True),
    ("etp_sessions_held", Unit.COUNT, "higher", EVENTS, False),
    ("etp_patients", Unit.COUNT, "higher", EVENTS, True),
    ("residents_hosted", Unit.COUNT, "higher", EVENTS, False),
    ("liberal_members", Unit.COUNT, "higher", TERRITORY_GROUP, False),
    ("representativeness_pct", Unit.PERCENT, "higher", TERRITORY_GROUP, False),
    ("communes_reached", Unit.COUNT, "higher", TERRITORY_GROUP, False),
    ("communes_reached_pct", Unit.PERCENT, "higher", TERRITORY_GROUP, False),
)

# code: (label, definition)
_TEXTS = {
    "requests_received": (
        _("Demandes reçues"),
        _(
            "Demandes transmises à l'ESS pendant la période (date d'envoi), quel que soit "
            "leur sort."
        ),
    ),
    "triage_median_hours": (
        _("Délai médian envoi → régulation"),
        _(
            "Médiane, en heures, du temps entre l'envoi et la première régulation, sur les "
            "demandes de la période déjà régulées."
        ),
    ),
    "triage_p90_hours": (
        _("Délai envoi → régulation (90e centile)"),
        _("90 % des demandes régulées l'ont été en moins de ce nombre d'heures."),
    ),
    "response_median_hours": (
        _("Délai médian envoi → réponse ou rendez-vous"),
        _(
            "Médiane, en heures, du temps entre l'envoi et la première réponse au demandeur : "
            "avis rendu ou rendez-vous fixé (le premier des deux), sur les demandes de la "
            "période qui en ont reçu une."
        ),
    ),
    "response_p90_hours": (
        _("Délai envoi → réponse ou rendez-vous (90e centile)"),
        _("90 % des demandes ayant reçu une réponse l'ont reçue en moins de ce nombre d'heures."),
    ),
    "p1_within_due_pct": (
        _("P1 traitées dans le délai"),
        _(
            "Part des demandes classées P1 (24 h), ou demandées P1 tant qu'elles ne sont pas "
            "régulées, ayant reçu une réponse ou un rendez-vous avant leur échéance (comptée "
            "en heures calendaires ou d'ouverture, selon la règle de la priorité). Base : les P1 "
            "de la période, hors annulées et réorientées, dont l'issue est connue (réponse "
            "donnée ou échéance passée)."
        ),
    ),
    "p2_within_due_pct": (
        _("P2 traitées dans le délai"),
        _("Même définition pour les demandes classées P2 (48 h)."),
    ),
    "response_modes": (
        _("Modes de réponse"),
        _("Répartition des demandes régulées de la période par mode de réponse retenu."),
    ),
    "requests_by_channel": (
        _("Demandes par canal de réception"),
        _(
            "Répartition des demandes reçues pendant la période par canal : formulaire web, "
            "API, formulaire sans compte (une fois confirmé), téléphone, télécopie, courrier."
        ),
    ),
    "acceptance_pct": (
        _("Taux d'acceptation"),
        _(
            "Part des demandes régulées de la période prises en charge par un spécialiste "
            "(acceptées, avec rendez-vous ou terminées)."
        ),
    ),
    "decline_pct": (
        _("Taux de refus"),
        _(
            "Part des demandes régulées de la période refusées au moins une fois par un "
            "spécialiste (la demande revient alors en régulation)."
        ),
    ),
    "reorientation_pct": (
        _("Taux de réorientation"),
        _("Part des demandes reçues pendant la période réorientées hors de l'ESS."),
    ),
    "closed_loop_pct": (
        _("Boucle fermée"),
        _(
            "Part des demandes reçues (hors annulées et réorientées) terminées avec une réponse "
            "écrite ou un compte rendu retourné au demandeur."
        ),
    ),
    "immediate_requests": (
        _("Avis immédiats demandés"),
        _(
            "Demandes d'avis immédiat au spécialiste de garde envoyées pendant la période "
            "(pendant les heures de garde, sans régulation)."
        ),
    ),
    "immediate_callback_median_minutes": (
        _("Délai médian de rappel (avis immédiat)"),
        _(
            "Médiane, en minutes, du temps entre l'envoi d'un avis immédiat et sa prise en "
            "charge par un spécialiste de garde (il rappelle ou ouvre la salle vidéo)."
        ),
    ),
    "immediate_callback_p90_minutes": (
        _("Délai de rappel (avis immédiat, 90e centile)"),
        _("90 % des avis immédiats pris en charge l'ont été en moins de ce nombre de minutes."),
    ),
    "immediate_answered_15min_pct": (
        _("Avis immédiats rendus en 15 minutes"),
        _(
            "Part des avis immédiats de la période dont la réponse du spécialiste est "
            "enregistrée dans les 15 minutes qui suivent l'envoi (hors annulés)."
        ),
    ),
    "immediate_escalated_pct": (
        _("Avis immédiats escaladés"),
        _(
            "Part des avis immédiats de la période sans réponse du premier spécialiste de garde "
            "dans le délai : son suppléant, puis la coordination, ont été alertés."
        ),
    ),
    "active_members": (
        _("Membres actifs"),
        _("Adhésions en cours au dernier jour de la période (entrées avant, pas encore sorties)."),
    ),
    "members_by_specialty": (
        _("Membres actifs par spécialité"),
        _("Les mêmes membres, par spécialité (filtre de spécialité appliqué)."),
    ),
    "partners": (_("Partenaires"), _("Partenaires enregistrés au dernier jour de la période.")),
    "conventions_in_force": (
        _("Conventions en vigueur"),
        _(
            "Conventions signées en vigueur au dernier jour de la période (prise d'effet "
            "passée, échéance non atteinte ; résiliées exclues)."
        ),
    ),
    "conventions_signed": (
        _("Conventions signées pendant la période"),
        _("Conventions dont la date de signature tombe dans la période."),
    ),
    "sessions_held": (
        _("Séances de consultation avancée tenues"),
        _("Séances publiées dont la date tombe dans la période et qui sont terminées."),
    ),
    "patients_seen": (
        _("Patients vus en consultation avancée"),
        _(
            "Rendez-vous des séances tenues dont la demande est planifiée ou terminée "
            "(annulées et réorientées exclues)."
        ),
    ),
    "communes_served": (
        _("Communes desservies"),
        _("Communes distinctes des sites où au moins une séance s'est tenue."),
    ),
    "pathways_open": (
        _("Parcours en cours en fin de période"),
        _(
            "Parcours de soins ouverts avant la fin de la période et pas encore clos à cette "
            "date (actifs ou en pause)."
        ),
    ),
    "pathways_opened": (
        _("Parcours ouverts pendant la période"),
        _("Parcours de soins dont l'ouverture tombe dans la période, quel que soit leur sort."),
    ),
    "pathway_tasks_on_time": (
        _("Tâches déléguées faites à l'échéance"),
        _(
            "Tâches déléguées (protocoles de coopération) dont l'échéance tombe dans la période "
            "et dont le résultat a été enregistré au plus tard le jour de l'échéance."
        ),
    ),
    "pathway_tasks_on_time_pct": (
        _("Part des tâches déléguées faites à l'échéance"),
        _(
            "Les mêmes tâches, rapportées aux tâches de la période dont l'issue est connue : "
            "faites, ou encore à faire après leur échéance (annulées exclues)."
        ),
    ),
    "pathway_alerts": (
        _("Alertes levées au médecin délégant"),
        _(
            "Résultats de tâches déléguées hors des valeurs attendues pendant la période : "
            "chacun alerte le médecin délégant."
        ),
    ),
    "pathway_alert_answer_median_hours": (
        _("Délai médian de réponse du médecin à une alerte"),
        _(
            "Médiane, en heures, du temps entre l'alerte et la réponse du médecin dans le "
            "parcours, sur les alertes de la période auxquelles il a répondu."
        ),
    ),
    "rcp_meetings_held": (
        _("Télé-RCP tenues"),
        _("Réunions de concertation pluridisciplinaire à distance tenues pendant la période."),
    ),
    "rcp_cases_discussed": (
        _("Dossiers discutés en télé-RCP"),
        _(
            "Dossiers (demandes ou parcours) inscrits à une télé-RCP dont la décision a été "
            "rendue pendant la période."
        ),
    ),
    "trainings_held": (
        _("Formations tenues"),
        _(
            "Formations et réunions proposées aux professionnels du territoire, tenues, dont le "
            "début tombe dans la période (annulées exclues)."
        ),
    ),
    "professionals_trained": (
        _("Professionnels formés"),
        _(
            "Professionnels distincts (une adresse électronique comptée une fois) inscrits et "
            "marqués présents à au moins une formation tenue pendant la période."
        ),
    ),
    "training_hours": (
        _("Heures de formation dispensées"),
        _("Somme des durées certifiées des formations tenues pendant la période."),
    ),
    "trainee_hours": (
        _("Heures-stagiaires"),
        _(
            "Durée certifiée de chaque formation tenue pendant la période multipliée par le "
            "nombre de ses présents, additionnée sur les formations."
        ),
    ),
    "campaigns_active": (
        _("Campagnes de santé publique en cours"),
        _(
            "Campagnes de prévention, de dépistage ou de sensibilisation dont les dates "
            "recouvrent au moins un jour de la période."
        ),
    ),
    "campaign_people_reached": (
        _("Personnes touchées par les campagnes"),
        _("Somme des personnes touchées par les actions de campagne tenues pendant la période."),
    ),
    "campaign_screenings": (
        _("Dépistages réalisés"),
        _("Somme des dépistages réalisés lors des actions de campagne tenues pendant la période."),
    ),
    "campaign_referrals": (
        _("Orientations issues des campagnes"),
        _(
            "Somme des orientations vers un spécialiste générées par les actions de campagne "
            "tenues pendant la période."
        ),
    ),
    "etp_sessions_held": (
        _("Séances d'éducation thérapeutique"),
        _(
            "Séances des programmes d'éducation thérapeutique du patient (ETP) tenues pendant "
            "la période."
        ),
    ),
    "etp_patients": (
        _("Patients en séance d'ETP"),
        _(
            "Somme des patients présents aux séances d'ETP de la période (un patient venu à "
            "deux séances compte deux fois)."
        ),
    ),
    "residents_hosted": (
        _("Internes accueillis"),
        _(
            "Stages d'internes chez les maîtres de stage de l'ESS dont les dates recouvrent au "
            "moins un jour de la période."
        ),
    ),
    "liberal_members": (
        _("Membres en exercice libéral"),
        _(
            "Membres de l'ESS au dernier jour de la période exerçant en libéral (l'exercice "
            "mixte n'est pas compté), dans une spécialité dont l'effectif du territoire est "
            "renseigné."
        ),
    ),
    "representativeness_pct": (
        _("Représentativité"),
        _(
            "Membres en exercice libéral rapportés aux spécialistes du territoire des mêmes "
            "spécialités (effectifs saisis par la direction). Objectif du cadre national : "
            "10 % à la labellisation, 50 % ensuite (paramétrable)."
        ),
    ),
    "communes_reached": (
        _("Communes atteintes par les demandes"),
        _(
            "Communes du territoire distinctes où résident les patients des demandes envoyées "
            "pendant la période."
        ),
    ),
    "communes_reached_pct": (
        _("Part des communes du territoire atteintes"),
        _("Les mêmes communes, rapportées à l'ensemble des communes du territoire."),
    ),
}

REGISTRY: tuple[Indicator, ...] = tuple(
    Indicator(code, _TEXTS[code][0], unit, _TEXTS[code][1], better, group, patient_data)
    for code, unit, better, group, patient_data in _ROWS
)

# Filled by `compute._advanced_source` from the advanced-consultation sessions (referrals app).
ADVANCED_CONSULTATIONS = ("sessions_held", "patients_seen", "communes_served")

# Filled by `compute._pathways_source` from the care pathways and the case meetings.
PATHWAYS_AND_MEETINGS = (
    "pathways_open",
    "pathways_opened",
    "pathway_tasks_on_time",
    "pathway_tasks_on_time_pct",
    "pathway_alerts",
    "pathway_alert_answer_median_hours",
    "rcp_meetings_held",
    "rcp_cases_discussed",
)

# Filled by `compute` from `event_figures.py`: trainings, campaigns, ETP and residents.
EVENTS_AND_TRAINING = (
    "trainings_held",
    "professionals_trained",
    "training_hours",
    "trainee_hours",
    "campaigns_active",
    "campaign_people_reached",
    "campaign_screenings",
    "campaign_referrals",
    "etp_sessions_held",
    "etp_patients",
    "residents_hosted",
)

# Filled by `compute` from `territory_figures.py`: representativeness and communes reached.
TERRITORY = (
    "liberal_members",
    "representativeness_pct",
    "communes_reached",
    "communes_reached_pct",
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in REGISTRY}
