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
    DISTRIBUTION = "distribution"  # {key: count}


UNIT_LABELS = {Unit.COUNT: "", Unit.PERCENT: "%", Unit.HOURS: "h", Unit.DISTRIBUTION: ""}


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
NETWORK = _("Équipe et partenaires")
ADVANCED = _("Consultations avancées")

REGISTRY: tuple[Indicator, ...] = (
    Indicator(
        "requests_received",
        _("Demandes reçues"),
        Unit.COUNT,
        _(
            "Demandes transmises à l'ESS pendant la période (date d'envoi), quel que soit "
            "leur sort."
        ),
        group=ACTIVITY,
    ),
    Indicator(
        "triage_median_hours",
        _("Délai médian envoi → régulation"),
        Unit.HOURS,
        _(
            "Médiane, en heures, du temps entre l'envoi et la première régulation, sur les "
            "demandes de la période déjà régulées."
        ),
        better="lower",
        group=DELAYS,
    ),
    Indicator(
        "triage_p90_hours",
        _("Délai envoi → régulation (90e centile)"),
        Unit.HOURS,
        _("90 % des demandes régulées l'ont été en moins de ce nombre d'heures."),
        better="lower",
        group=DELAYS,
    ),
    Indicator(
        "response_median_hours",
        _("Délai médian envoi → réponse ou rendez-vous"),
        Unit.HOURS,
        _(
            "Médiane, en heures, du temps entre l'envoi et la première réponse au demandeur : "
            "avis rendu ou rendez-vous fixé (le premier des deux), sur les demandes de la "
            "période qui en ont reçu une."
        ),
        better="lower",
        group=DELAYS,
    ),
    Indicator(
        "response_p90_hours",
        _("Délai envoi → réponse ou rendez-vous (90e centile)"),
        Unit.HOURS,
        _("90 % des demandes ayant reçu une réponse l'ont reçue en moins de ce nombre d'heures."),
        better="lower",
        group=DELAYS,
    ),
    Indicator(
        "p1_within_due_pct",
        _("P1 traitées dans le délai"),
        Unit.PERCENT,
        _(
            "Part des demandes classées P1 (24 h) ayant reçu une réponse ou un rendez-vous avant "
            "leur échéance. Base : les P1 de la période, hors annulées et réorientées, dont "
            "l'issue est connue (réponse donnée ou échéance passée)."
        ),
        better="higher",
        group=DELAYS,
    ),
    Indicator(
        "p2_within_due_pct",
        _("P2 traitées dans le délai"),
        Unit.PERCENT,
        _("Même définition pour les demandes classées P2 (48 h)."),
        better="higher",
        group=DELAYS,
    ),
    Indicator(
        "response_modes",
        _("Modes de réponse"),
        Unit.DISTRIBUTION,
        _("Répartition des demandes régulées de la période par mode de réponse retenu."),
        group=ACTIVITY,
    ),
    Indicator(
        "acceptance_pct",
        _("Taux d'acceptation"),
        Unit.PERCENT,
        _(
            "Part des demandes régulées de la période prises en charge par un spécialiste "
            "(acceptées, avec rendez-vous ou terminées)."
        ),
        better="higher",
        group=OUTCOMES,
    ),
    Indicator(
        "decline_pct",
        _("Taux de refus"),
        Unit.PERCENT,
        _(
            "Part des demandes régulées de la période refusées au moins une fois par un "
            "spécialiste (la demande revient alors en régulation)."
        ),
        better="lower",
        group=OUTCOMES,
    ),
    Indicator(
        "reorientation_pct",
        _("Taux de réorientation"),
        Unit.PERCENT,
        _("Part des demandes reçues pendant la période réorientées hors de l'ESS."),
        group=OUTCOMES,
    ),
    Indicator(
        "closed_loop_pct",
        _("Boucle fermée"),
        Unit.PERCENT,
        _(
            "Part des demandes reçues (hors annulées et réorientées) terminées avec une réponse "
            "écrite ou un compte rendu retourné au demandeur."
        ),
        better="higher",
        group=OUTCOMES,
    ),
    Indicator(
        "active_members",
        _("Membres actifs"),
        Unit.COUNT,
        _("Adhésions en cours au dernier jour de la période (entrées avant, pas encore sorties)."),
        better="higher",
        group=NETWORK,
        patient_data=False,
    ),
    Indicator(
        "members_by_specialty",
        _("Membres actifs par spécialité"),
        Unit.DISTRIBUTION,
        _("Les mêmes membres, par spécialité (filtre de spécialité appliqué)."),
        group=NETWORK,
        patient_data=False,
    ),
    Indicator(
        "partners",
        _("Partenaires"),
        Unit.COUNT,
        _("Partenaires enregistrés au dernier jour de la période."),
        better="higher",
        group=NETWORK,
        patient_data=False,
    ),
    Indicator(
        "conventions_in_force",
        _("Conventions en vigueur"),
        Unit.COUNT,
        _(
            "Conventions signées en vigueur au dernier jour de la période (prise d'effet "
            "passée, échéance non atteinte ; résiliées exclues)."
        ),
        better="higher",
        group=NETWORK,
        patient_data=False,
    ),
    Indicator(
        "conventions_signed",
        _("Conventions signées pendant la période"),
        Unit.COUNT,
        _("Conventions dont la date de signature tombe dans la période."),
        group=NETWORK,
        patient_data=False,
    ),
    Indicator(
        "sessions_held",
        _("Séances de consultation avancée tenues"),
        Unit.COUNT,
        _("Séances publiées dont la date tombe dans la période et qui sont terminées."),
        better="higher",
        group=ADVANCED,
        patient_data=False,
    ),
    Indicator(
        "patients_seen",
        _("Patients vus en consultation avancée"),
        Unit.COUNT,
        _(
            "Rendez-vous des séances tenues dont la demande est planifiée ou terminée "
            "(annulées et réorientées exclues)."
        ),
        better="higher",
        group=ADVANCED,
    ),
    Indicator(
        "communes_served",
        _("Communes desservies"),
        Unit.COUNT,
        _("Communes distinctes des sites où au moins une séance s'est tenue."),
        better="higher",
        group=ADVANCED,
        patient_data=False,
    ),
)

# Filled by `compute._advanced_source` from the advanced-consultation sessions (referrals app).
ADVANCED_CONSULTATIONS = ("sessions_held", "patients_seen", "communes_served")

BY_CODE: dict[str, Indicator] = {i.code: i for i in REGISTRY}
