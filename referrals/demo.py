"""Demo referrals: about a year of activity for the demo cardiology ESS in the Loiret.

The two demo GPs (Cabinet médical des Carmes in Orléans, MSP of Meung-sur-Loire) send about
300 cardiology referrals over the last 365 days. Each referral's history is replayed step by
step as the services would have written it (status, timestamps, events, messages, télé-expertise
act) and stops at the present: older cases are closed, recent ones are still open. A few recent
cases are held at a chosen stage so that every queue of the demo has something to show.

Reproducible (one seeded random generator): two runs on the same day give the same referrals,
apart from the most recent ones. Idempotent: nothing is added when the demo GPs already have
referrals.
"""

import contextlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from ess.models import Commune, Specialty
from ess.validators import validate_nir
from members.models import User
from referrals.models import (
    TELEEXPERTISE_MODES,
    TRANSITIONS,
    EventKind,
    InsOid,
    Message,
    Patient,
    PreferredResponse,
    Priority,
    Referral,
    ReferralEvent,
    ResponseMode,
    Sex,
    Status,
    TeleexpertiseAct,
    priority_delay,
)
from referrals.services import next_reference

SEED = 2026
HISTORY_DAYS = 365
REFERRAL_COUNT = 300
# Activity grew over the year: the oldest month has this much less than the latest one.
RAMP = 0.45
# The held referrals (PENDING) all come from the last three weeks: fewer others there.
RECENT_DAYS = 21
RECENT_SHARE = 0.4
PRIORITY_MIX = {Priority.P1: 5, Priority.P2: 25, Priority.P3: 45, Priority.P4: 25}
REQUESTER_MIX = {"medecin": 6, "medecin2": 4}
SPECIALIST_MIX = {"cardiologue": 45, "cardiologue2": 40, "direction": 15}
ESS_CABINET = "Cabinet de l'ESS Cardio 45, 1 rue de la République, Orléans"

# Opening hours (start hour, end hour, open days from Monday) of whoever acts next. Urgent
# cases (P1, P2) are also handled in the evening and on Saturdays.
COORDINATION = (8, 18, 5)
URGENT_COORDINATION = (8, 20, 6)
SPECIALIST = (8, 21, 6)
PRACTICE = (8, 20, 6)
CONSULTATIONS = (9, 17, 5)
URGENT_CONSULTATIONS = (8, 19, 6)
URGENT_PRIORITIES = frozenset({Priority.P1, Priority.P2})

# Hours between a step and the next one, by urgency/priority.
TRIAGE_DELAY = {"P1": (0.1, 0.8), "P2": (0.3, 3), "P3": (0.5, 6), "P4": (0.5, 10)}
ACCEPT_DELAY = {"P1": (0.2, 2), "P2": (1, 10), "P3": (2, 30), "P4": (4, 72)}
APPOINTMENT_LEAD = {"P1": 2, "P2": 4, "P3": 20, "P4": 20}

FAST_MODES = frozenset(
    {
        ResponseMode.TELEEXPERTISE_SYNC,
        ResponseMode.URGENT_CONSULTATION,
        ResponseMode.HOSPITAL_ORIENTATION,
    }
)
CONSULTATION_MODES = frozenset(
    {
        ResponseMode.TELECONSULTATION,
        ResponseMode.URGENT_CONSULTATION,
        ResponseMode.ADVANCED_CONSULTATION,
    }
)

# How a case ends (before the present cuts the story short).
ANSWER = "answer"
OPINION = "opinion"  # télé-expertise answer saying a consultation is needed, then the consultation
CONSULTATION = "consultation"
REORIENT = "reorient"
CANCEL = "cancel"


# ---------------------------------------------------------------------------------------------
# Clinical content
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """A kind of cardiology question a GP asks, with what the cardiologist answers.

    Texts are templates filled with the patient's values (see `_clinical_values`).
    """

    question: str
    context: str
    answer: str
    actions: str
    urgencies: tuple[str, ...]
    ages: tuple[int, int]
    modes: tuple[str, ...]
    preferred: str = PreferredResponse.OPINION
    expert: str = ""
    consultation: tuple[str, str] | None = None
    hospital: tuple[str, str] | None = None
    reorient: tuple[str, str] | None = None
    always_reoriented: bool = False

    def supports(self, outcome: str) -> bool:
        if outcome == OPINION:
            return self.consultation is not None and bool(TELEEXPERTISE_MODES & set(self.modes))
        if outcome == CONSULTATION:
            return self.consultation is not None and bool(CONSULTATION_MODES & set(self.modes))
        if outcome == ANSWER:
            return bool(set(self.modes) - CONSULTATION_MODES)
        return True


TE_ASYNC = ResponseMode.TELEEXPERTISE_ASYNC
TE_SYNC = ResponseMode.TELEEXPERTISE_SYNC
URGENT = ResponseMode.URGENT_CONSULTATION
ADVANCED = ResponseMode.ADVANCED_CONSULTATION
TELECONSULTATION = ResponseMode.TELECONSULTATION
HOSPITAL = ResponseMode.HOSPITAL_ORIENTATION
CHR_EMERGENCY = "Urgences du CHR d'Orléans"

CASES = (
    Case(
        question=(
            "Palpitations paroxystiques depuis quelques mois : faut-il un Holter, et dans quel "
            "délai voir un cardiologue ?"
        ),
        context=(
            "{Patient} de {age} ans, sans antécédent cardiaque. Crises de palpitations rapides "
            "et régulières, à début et fin brusques, de 10 à 30 minutes, environ deux fois par "
            "mois, sans malaise ni douleur thoracique. ECG de repos au cabinet : rythme sinusal "
            "à {fc}/min, PR et QRS normaux, pas de pré-excitation. TSH normale."
        ),
        answer=(
            "Le tableau est très évocateur d'une tachycardie jonctionnelle (réentrée "
            "intranodale) sur cœur sain, sans signe de gravité ; l'ECG de repos ne montre pas "
            "de pré-excitation. Il faut documenter une crise : à ce rythme, un Holter de 48 "
            "heures a peu de chances d'y parvenir, un enregistreur d'événements ou un ECG pendant "
            "la crise est plus rentable. Si la tachycardie est confirmée et gênante, l'ablation "
            "par radiofréquence est le traitement de référence."
        ),
        actions=(
            "- Expliquer la manœuvre de Valsalva modifiée ;\n"
            "- ECG pendant une crise dès que possible (cabinet, SOS Médecins, urgences) ;\n"
            "- Enregistreur d'événements de 15 jours ;\n"
            "- Pas de traitement de fond à ce stade ; bisoprolol 2,5 mg si crises fréquentes ;\n"
            "- Nous recontacter avec le tracé pour discuter d'une ablation."
        ),
        urgencies=("P3", "P4"),
        ages=(22, 70),
        modes=(TE_ASYNC,),
        expert="cardiologue2",
        reorient=(
            "Rythmologie du CHRU de Tours",
            "{Patient} est déjà suivi{e} en rythmologie au CHRU de Tours : avis à demander "
            "directement à l'équipe qui le connaît.",
        ),
    ),
    Case(
        question=(
            "Fibrillation atriale découverte sur un ECG : faut-il anticoaguler, et avec quel "
            "bilan ?"
        ),
        context=(
            "{Patient} de {age} ans, hypertendu{e} traité{e}. ECG réalisé pour une asthénie : "
            "fibrillation atriale à {fc_fa}/min, non connue. Pas de douleur thoracique, pas de "
            "signe d'insuffisance cardiaque, pas d'antécédent d'AVC. Clairance de la créatinine "
            "{clairance} mL/min (Cockcroft). Score CHA2DS2-VA à {cha2ds2va}."
        ),
        answer=(
            "Fibrillation atriale non valvulaire de découverte récente, bien tolérée, avec un "
            "score CHA2DS2-VA à {cha2ds2va} : une anticoagulation orale est indiquée, de "
            "préférence par anticoagulant oral direct. Le contrôle de la fréquence suffit pour "
            "l'instant ; une cardioversion se discutera après l'échocardiographie et au moins "
            "trois semaines d'anticoagulation efficace."
        ),
        actions=(
            "- Apixaban 5 mg matin et soir (pas de critère de réduction de dose) ;\n"
            "- Bisoprolol 2,5 mg/j, objectif FC de repos < 110/min ;\n"
            "- NFS, ionogramme, créatinine, bilan hépatique et TSH ;\n"
            "- Échocardiographie transthoracique ;\n"
            "- Consulter en urgence en cas de dyspnée, de malaise ou de déficit neurologique."
        ),
        consultation=(
            "Consultation avec échocardiographie : FEVG conservée ({fevg} %), oreillette gauche "
            "modérément dilatée, pas de valvulopathie significative. Fibrillation atriale "
            "persistante, fréquence bien contrôlée sous bisoprolol. Anticoagulation au long "
            "cours ; cardioversion électrique programmée au CHR d'Orléans après quatre semaines "
            "d'anticoagulation efficace.",
            "- Poursuivre apixaban 5 mg x 2/j sans interruption ;\n"
            "- Poursuivre bisoprolol 2,5 mg/j ;\n"
            "- Convocation pour la cardioversion adressée {au_patient} ;\n"
            "- ECG de contrôle à un mois de la cardioversion.",
        ),
        urgencies=("P2", "P3"),
        ages=(65, 92),
        modes=(TE_ASYNC, TE_SYNC, ADVANCED),
        expert="cardiologue2",
    ),
    Case(
        question=(
            "Fibrillation atriale rapide à {fc_rapide}/min avec essoufflement : avis rapide, "
            "ambulatoire ou hospitalisation ?"
        ),
        context=(
            "{Patient} de {age} ans, palpitations et dyspnée d'effort depuis 48 heures. ECG : "
            "fibrillation atriale à {fc_rapide}/min, non connue. PA {ta} mmHg, pas de douleur "
            "thoracique, pas de signe de choc. Traitement : périndopril 5 mg."
        ),
        answer=(
            "Fibrillation atriale rapide récente, avec retentissement fonctionnel mais sans "
            "critère de gravité (pas d'hypotension, pas de douleur, pas de détresse "
            "respiratoire). Prise en charge ambulatoire possible : ralentir la fréquence et "
            "débuter l'anticoagulation dès aujourd'hui, avec une consultation rapide pour "
            "l'échocardiographie."
        ),
        actions=(
            "- Bisoprolol 2,5 mg ce jour, 5 mg à partir de J3 selon la fréquence ;\n"
            "- Apixaban 5 mg matin et soir, à débuter immédiatement ;\n"
            "- NFS, ionogramme, créatinine, TSH ;\n"
            "- Consultation avec échocardiographie dans la semaine ;\n"
            "- Appeler le 15 en cas de malaise, de douleur ou d'aggravation de la dyspnée."
        ),
        consultation=(
            "Consultation avec échocardiographie : FEVG à {fevg} %, pas de valvulopathie. "
            "Fréquence contrôlée à 84/min sous bisoprolol 5 mg. Cardioversion à discuter après "
            "trois semaines d'anticoagulation.",
            "- Poursuivre bisoprolol 5 mg et apixaban 5 mg x 2/j ;\n"
            "- ECG de contrôle dans trois semaines, avant la décision de cardioversion ;\n"
            "- Appeler le 15 en cas de malaise.",
        ),
        urgencies=("P1", "P2"),
        ages=(55, 90),
        modes=(TE_SYNC, URGENT),
        expert="cardiologue2",
        reorient=(
            CHR_EMERGENCY,
            "Au rappel du médecin : fréquence à 160/min et PA à 90 mmHg, mauvaise tolérance. "
            "Prise en charge hospitalière immédiate, SAMU contacté.",
        ),
    ),
    Case(
        question=(
            "Dyspnée d'effort d'aggravation progressive : insuffisance cardiaque débutante ? "
            "Quel bilan ?"
        ),
        context=(
            "{Patient} de {age} ans, hypertendu{e} et diabétique de type 2. Essoufflement à la "
            "montée d'un étage depuis deux mois, œdèmes des chevilles le soir. Pas de douleur "
            "thoracique. Auscultation : pas de souffle, quelques crépitants aux bases. NT-proBNP "
            "à {bnp} pg/mL. ECG : rythme sinusal, hypertrophie ventriculaire gauche électrique."
        ),
        answer=(
            "Le NT-proBNP est nettement élevé pour l'âge et le tableau évoque une insuffisance "
            "cardiaque, probablement à fraction d'éjection préservée sur cardiopathie "
            "hypertensive. Une échocardiographie est indispensable pour le confirmer ; en "
            "attendant, un diurétique de l'anse à petite dose soulagera les symptômes."
        ),
        actions=(
            "- Furosémide 20 mg le matin, ionogramme et créatinine à J7 ;\n"
            "- Poursuivre l'IEC ; ajouter dapagliflozine 10 mg/j ;\n"
            "- Pesée deux fois par semaine, consulter en cas de prise de 2 kg en 3 jours ;\n"
            "- Échocardiographie transthoracique en consultation."
        ),
        consultation=(
            "Consultation avec échocardiographie : FEVG à {fevg} %, hypertrophie ventriculaire "
            "gauche concentrique, pressions de remplissage élevées, pas de valvulopathie "
            "significative. Insuffisance cardiaque à FEVG préservée d'origine hypertensive, "
            "classe NYHA II sous diurétique.",
            "- Poursuivre furosémide 20 mg et dapagliflozine 10 mg ;\n"
            "- Objectif tensionnel < 130/80 mmHg ;\n"
            "- Réadaptation cardiaque à proposer ;\n"
            "- Revoir dans six mois avec un NT-proBNP.",
        ),
        urgencies=("P3", "P4"),
        ages=(58, 90),
        modes=(TE_ASYNC, ADVANCED, TELECONSULTATION),
        expert="cardiologue",
        reorient=(
            "Pneumologie du CHR d'Orléans",
            "NT-proBNP normal au contrôle et syndrome obstructif à la spirométrie : dyspnée "
            "d'origine respiratoire probable, avis pneumologique plus adapté.",
        ),
    ),
    Case(
        question=(
            "Souffle systolique découvert à l'auscultation : quelle exploration, et dans quel "
            "délai ?"
        ),
        context=(
            "{Patient} de {age} ans, asymptomatique, vu{e} pour le renouvellement de son "
            "traitement antihypertenseur. Souffle systolique 3/6 au foyer aortique, irradiant "
            "aux carotides, B2 conservé. Pas de dyspnée, pas d'angor, pas de malaise à l'effort. "
            "ECG : rythme sinusal, pas de trouble de conduction."
        ),
        answer=(
            "Ce souffle est évocateur d'un rétrécissement aortique, fréquent à cet âge. "
            "L'absence de symptôme et la conservation du B2 sont rassurantes, mais une "
            "échocardiographie est nécessaire pour en mesurer la sévérité ; elle peut être faite "
            "en consultation programmée dans le mois."
        ),
        actions=(
            "- Échocardiographie transthoracique en consultation ;\n"
            "- Consulter sans attendre en cas de dyspnée, de douleur thoracique ou de malaise "
            "à l'effort ;\n"
            "- Éviter les efforts violents d'ici l'échographie ;\n"
            "- Suivi dentaire régulier (prévention de l'endocardite)."
        ),
        consultation=(
            "Échocardiographie : rétrécissement aortique modéré (surface 1,2 cm², gradient "
            "moyen 27 mmHg), FEVG conservée ({fevg} %), pas d'autre valvulopathie "
            "significative. {Patient} asymptomatique.",
            "- Surveillance échographique annuelle ;\n"
            "- Consulter en cas de dyspnée, d'angor ou de syncope ;\n"
            "- Pas de modification du traitement en cours.",
        ),
        urgencies=("P3", "P4"),
        ages=(62, 92),
        modes=(ADVANCED, TE_ASYNC),
        preferred=PreferredResponse.CONSULTATION,
        expert="cardiologue",
        reorient=(
            "Cardiologue habituel (cabinet libéral, Orléans)",
            "{Patient} est déjà suivi{e} par un cardiologue libéral qui peut le recevoir dans "
            "le délai souhaité.",
        ),
    ),
    Case(
        question=(
            "HTA non contrôlée sous trithérapie : quel ajustement, et faut-il rechercher une "
            "cause secondaire ?"
        ),
        context=(
            "{Patient} de {age} ans. PA au cabinet {ta_haute} mmHg, automesure (règle des 3) à "
            "{ta_auto} mmHg sous amlodipine 10 mg, ramipril 10 mg et hydrochlorothiazide 25 mg. "
            "Observance vérifiée avec la pharmacie. Kaliémie {k} mmol/L, créatinine normale, "
            "pas de protéinurie. IMC {imc}, ronflements signalés par l'entourage."
        ),
        answer=(
            "Il s'agit d'une HTA résistante vraie : trithérapie à dose optimale comprenant un "
            "diurétique, observance vérifiée, confirmée en automesure. Deux causes fréquentes "
            "sont à rechercher : un hyperaldostéronisme primaire (kaliémie basse-normale) et un "
            "syndrome d'apnées du sommeil (ronflements, surpoids). Le quatrième médicament de "
            "référence est la spironolactone."
        ),
        actions=(
            "- Rapport aldostérone/rénine (le matin, après 2 h en position debout, kaliémie "
            "corrigée) ;\n"
            "- Polygraphie ventilatoire ;\n"
            "- Ajouter spironolactone 25 mg/j, kaliémie et créatinine à J7 et à un mois ;\n"
            "- Nouvelle automesure dans quatre semaines ;\n"
            "- Nous réadresser si le rapport aldostérone/rénine est élevé."
        ),
        urgencies=("P3", "P4"),
        ages=(40, 80),
        modes=(TE_ASYNC,),
        expert="cardiologue",
        reorient=(
            "Unité d'hypertension artérielle du CHRU de Tours",
            "HTA résistante avec hypokaliémie franche au contrôle : bilan d'HTA secondaire en "
            "hôpital de jour spécialisé.",
        ),
    ),
    Case(
        question=(
            "Douleurs thoraciques atypiques chez un patient à risque cardiovasculaire : faut-il "
            "un test d'ischémie ?"
        ),
        context=(
            "{Patient} de {age} ans, tabagique ({paquets} paquets-années), dyslipidémique non "
            "traité{e}. Douleurs thoraciques gauches en coup d'aiguille, de quelques secondes, "
            "sans lien avec l'effort, reproduites à la palpation. ECG de repos normal. "
            "LDL-cholestérol {ldl} g/L."
        ),
        answer=(
            "La douleur est peu évocatrice d'angor (brève, sans lien avec l'effort, reproduite "
            "à la palpation) et l'ECG est normal : pas d'argument pour un syndrome coronarien. "
            "Le terrain justifie néanmoins d'évaluer le risque coronaire : un coroscanner est "
            "l'examen le plus adapté à cette probabilité clinique faible à intermédiaire."
        ),
        actions=(
            "- Coroscanner (délai habituel de trois à quatre semaines à Orléans) ;\n"
            "- Sevrage tabagique : consultation de tabacologie, substituts nicotiniques ;\n"
            "- Atorvastatine 20 mg/j, objectif LDL < 1 g/L ;\n"
            "- Appeler le 15 en cas de douleur de plus de 20 minutes ou survenant à l'effort."
        ),
        consultation=(
            "Consultation : interrogatoire confirmant des douleurs pariétales. Coroscanner "
            "réalisé entre-temps : score calcique à 45, plaques non significatives de l'IVA "
            "proximale, pas de sténose.",
            "- Atorvastatine 20 mg/j, objectif LDL < 1 g/L ;\n"
            "- Sevrage tabagique ;\n"
            "- Pas de test d'ischémie nécessaire ; réévaluation en cas de douleur d'effort.",
        ),
        urgencies=("P2", "P3"),
        ages=(40, 75),
        modes=(TE_ASYNC, TE_SYNC, TELECONSULTATION),
        expert="direction",
        reorient=(
            CHR_EMERGENCY,
            "Nouvelle douleur prolongée ce matin, au repos : syndrome coronarien aigu à "
            "éliminer, relève des urgences et non d'un avis différé.",
        ),
    ),
    Case(
        question=(
            "Douleur thoracique constrictive depuis ce matin, ECG douteux : avis en urgence s'il "
            "vous plaît."
        ),
        context=(
            "{Patient} de {age} ans, diabétique, hypertendu{e}. Douleur rétrosternale "
            "constrictive survenue au repos ce matin, de 30 minutes, partiellement calmée. ECG "
            "au cabinet : sous-décalage du segment ST de 1 mm en V4-V6. {Patient} actuellement "
            "au cabinet."
        ),
        answer="",
        actions="",
        urgencies=("P1",),
        ages=(50, 88),
        modes=(URGENT,),
        reorient=(
            "Urgences du CHR d'Orléans (via le SAMU 45)",
            "Douleur thoracique de repos avec sous-décalage du ST : syndrome coronarien aigu "
            "possible, relève du 15 et non d'un avis différé. Médecin rappelé, SAMU contacté.",
        ),
        always_reoriented=True,
    ),
    Case(
        question=(
            "Bloc de branche gauche complet découvert sur un ECG de bilan : quelles explorations ?"
        ),
        context=(
            "{Patient} de {age} ans, ECG réalisé avant une reprise du sport : bloc de branche "
            "gauche complet (QRS à 150 ms), pas d'ECG antérieur pour comparer. Asymptomatique, "
            "examen clinique normal, PA {ta} mmHg."
        ),
        answer=(
            "Un bloc de branche gauche complet nouvellement découvert doit faire rechercher une "
            "cardiopathie sous-jacente (hypertensive, ischémique ou cardiomyopathie dilatée). En "
            "l'absence de symptôme, il n'y a pas d'urgence, mais une échocardiographie est "
            "nécessaire avant la reprise d'une activité sportive intense."
        ),
        actions=(
            "- Échocardiographie transthoracique ;\n"
            "- Bilan lipidique, glycémie à jeun ;\n"
            "- Activité physique modérée autorisée d'ici le résultat, pas de sport intense ;\n"
            "- Consulter en cas de malaise ou de syncope."
        ),
        consultation=(
            "Échocardiographie : FEVG à {fevg} %, pas de dyssynchronie marquée, pas de "
            "valvulopathie. Bloc de branche gauche isolé sur cœur structurellement normal.",
            "- Reprise du sport autorisée ; épreuve d'effort avant une activité intense ;\n"
            "- ECG annuel ;\n"
            "- Consulter en cas de malaise ou de dyspnée.",
        ),
        urgencies=("P3", "P4"),
        ages=(45, 85),
        modes=(TE_ASYNC, ADVANCED),
        expert="direction",
    ),
    Case(
        question=(
            "Avis cardiologique avant {chirurgie} : des examens sont-ils nécessaires, et que "
            "faire de l'aspirine ?"
        ),
        context=(
            "{Patient} de {age} ans, intervention prévue dans six semaines. Angioplastie "
            "coronaire avec stent actif en {annee_stent}, sous aspirine 75 mg, bisoprolol "
            "2,5 mg et atorvastatine 40 mg. Ni angor ni dyspnée, monte deux étages sans "
            "difficulté. ECG récent inchangé."
        ),
        answer=(
            "Coronaropathie stable, asymptomatique, avec une bonne capacité fonctionnelle (plus "
            "de 4 METs), pour une chirurgie à risque intermédiaire : aucun examen cardiologique "
            "supplémentaire n'est nécessaire avant l'intervention. L'aspirine doit être "
            "poursuivie en périopératoire (stent posé il y a plus d'un an), de même que le "
            "bêtabloquant et la statine."
        ),
        actions=(
            "- Poursuivre aspirine 75 mg, bisoprolol et atorvastatine, y compris le jour de "
            "l'intervention ;\n"
            "- Transmettre cet avis à l'anesthésiste ;\n"
            "- Ni échocardiographie ni test d'ischémie ;\n"
            "- Nous recontacter en cas d'angor ou de dyspnée d'ici l'intervention."
        ),
        urgencies=("P4", "P3"),
        ages=(55, 88),
        modes=(TE_ASYNC,),
        expert="direction",
    ),
    Case(
        question=(
            "Insuffisance cardiaque connue, prise de poids et dyspnée : adapter le traitement à "
            "domicile ou hospitaliser ?"
        ),
        context=(
            "{Patient} de {age} ans, cardiopathie ischémique à FEVG {fevg_basse} %. Prise de "
            "{prise_poids} kg en dix jours, dyspnée au moindre effort, orthopnée à deux "
            "oreillers, œdèmes des membres inférieurs. Sous furosémide 40 mg, bisoprolol 5 mg, "
            "sacubitril/valsartan 49/51 mg deux fois par jour, dapagliflozine 10 mg. PA {ta} "
            "mmHg, SpO2 95 % en air ambiant. Créatinine stable, kaliémie {k_normal} mmol/L."
        ),
        answer=(
            "Décompensation cardiaque congestive modérée, sans signe de gravité immédiate (pas "
            "de dyspnée de repos, saturation et pression artérielle conservées). Une prise en "
            "charge à domicile est possible avec un suivi rapproché : majoration du diurétique "
            "et contrôle biologique précoce. Hospitalisation si pas d'amélioration en 48 à 72 "
            "heures."
        ),
        actions=(
            "- Furosémide 80 mg/j pendant 5 jours, puis retour à 40 mg selon le poids ;\n"
            "- Ionogramme et créatinine à J3 ;\n"
            "- Pesée quotidienne, régime pauvre en sel ;\n"
            "- Passage infirmier quotidien pendant une semaine ;\n"
            "- Appeler le 15 en cas de dyspnée de repos ; nous appeler à J3 si pas "
            "d'amélioration (entrée directe en cardiologie)."
        ),
        consultation=(
            "Consultation : surcharge hydrosodée modérée, FEVG à {fevg_basse} % à "
            "l'échographie, stable. Pas d'élément de gravité ; majoration du diurétique avec "
            "bonne réponse attendue.",
            "- Furosémide 80 mg/j pendant 5 jours ;\n"
            "- Ionogramme et créatinine à J3 ;\n"
            "- Consultation de suivi dans un mois.",
        ),
        hospital=(
            "Hospitalisation organisée directement en cardiologie au CHR d'Orléans (entrée "
            "programmée sans passage aux urgences) pour diurétiques intraveineux et adaptation "
            "du traitement.",
            "- Se présenter au bureau des entrées avec l'ordonnance en cours ;\n"
            "- Appeler le 15 en cas d'aggravation d'ici l'admission.",
        ),
        urgencies=("P1", "P2"),
        ages=(60, 95),
        modes=(TE_SYNC, URGENT, HOSPITAL),
        expert="cardiologue",
        reorient=(
            CHR_EMERGENCY,
            "Dyspnée de repos et désaturation à 89 % au rappel : décompensation sévère, "
            "hospitalisation immédiate.",
        ),
    ),
    Case(
        question="Syncope à l'effort sans prodrome : faut-il un bilan en urgence ?",
        context=(
            "{Patient} de {age} ans, perte de connaissance brève en montant un escalier, sans "
            "prodrome, avec un traumatisme facial mineur, récupération immédiate. Pas "
            "d'antécédent cardiaque connu. ECG au cabinet : rythme sinusal à {fc}/min, bloc "
            "atrioventriculaire du premier degré (PR 240 ms) et bloc de branche droit."
        ),
        answer=(
            "Une syncope d'effort, sans prodrome, avec un trouble de conduction sur l'ECG, est à "
            "haut risque : il faut rechercher en priorité un trouble de conduction paroxystique "
            "de haut degré ou un rétrécissement aortique. Ce bilan ne peut pas attendre "
            "plusieurs semaines."
        ),
        actions=(
            "- Consultation rapide avec échocardiographie et Holter ECG ;\n"
            "- Pas de conduite automobile d'ici le bilan ;\n"
            "- Arrêter les médicaments bradycardisants s'il y en a ;\n"
            "- Appeler le 15 en cas de récidive."
        ),
        consultation=(
            "Consultation avec échocardiographie (cœur structurellement normal, FEVG {fevg} %) "
            "et Holter : épisodes de bloc atrioventriculaire 2:1 à l'effort. Indication de "
            "stimulation cardiaque : pose d'un stimulateur programmée au CHR d'Orléans.",
            "- Pas de conduite automobile jusqu'à l'implantation ;\n"
            "- Convocation pour l'hospitalisation adressée {au_patient} ;\n"
            "- Appeler le 15 en cas de nouveau malaise.",
        ),
        hospital=(
            "Hospitalisation organisée le jour même en cardiologie au CHR d'Orléans pour "
            "surveillance scopée et bilan du trouble de conduction (accord de l'équipe de "
            "cardiologie).",
            "- Adresser {patient} en cardiologie avec l'ECG ;\n"
            "- Pas de conduite automobile ;\n"
            "- Appeler le 15 en cas de récidive d'ici l'admission.",
        ),
        urgencies=("P1", "P2"),
        ages=(55, 92),
        modes=(URGENT, HOSPITAL),
        expert="cardiologue2",
        reorient=(
            CHR_EMERGENCY,
            "Nouvelle syncope ce jour : surveillance scopée nécessaire, ne relève plus d'un avis "
            "programmé.",
        ),
    ),
    Case(
        question=(
            "Malaises avec perte de connaissance brève en station debout : syncope vasovagale "
            "ou cause cardiaque ?"
        ),
        context=(
            "{Patient} de {age} ans, trois malaises en un an, toujours debout (file d'attente, "
            "chaleur, après le repas), précédés de nausées, de sueurs et d'une vision floue ; "
            "perte de connaissance de quelques secondes, récupération rapide sans confusion. "
            "ECG normal, PA {ta} mmHg sans hypotension orthostatique."
        ),
        answer=(
            "Les circonstances (station debout prolongée, chaleur), les prodromes typiques et "
            "l'ECG normal permettent de retenir une syncope réflexe (vasovagale). Pas d'examen "
            "cardiologique complémentaire nécessaire à ce stade."
        ),
        actions=(
            "- Expliquer les manœuvres de contre-pression (croiser les jambes, serrer les "
            "poings) dès les prodromes ;\n"
            "- Hydratation suffisante, éviter les stations debout prolongées ;\n"
            "- Réévaluer les traitements hypotenseurs éventuels ;\n"
            "- Nous réadresser en cas de malaise à l'effort, en position couchée ou sans "
            "prodrome."
        ),
        urgencies=("P3", "P4"),
        ages=(18, 80),
        modes=(TE_ASYNC,),
        expert="cardiologue2",
    ),
    Case(
        question=(
            "Bradycardie à {fc_basse}/min sous bêtabloquant avec fatigue : réduire la dose ou "
            "explorer ?"
        ),
        context=(
            "{Patient} de {age} ans, sous bisoprolol 10 mg pour une HTA et des palpitations "
            "anciennes. Asthénie depuis un mois, ni malaise ni syncope. ECG : bradycardie "
            "sinusale à {fc_basse}/min, PR normal."
        ),
        answer=(
            "Bradycardie sinusale symptomatique (asthénie), probablement médicamenteuse, sans "
            "trouble conductif associé ni malaise. Le bêtabloquant peut être réduit sans risque ; "
            "une dose de 10 mg de bisoprolol n'est d'ailleurs pas justifiée pour une HTA seule."
        ),
        actions=(
            "- Réduire le bisoprolol à 5 mg/j, puis à 2,5 mg/j à deux semaines si FC < 55/min ;\n"
            "- Automesure de la PA et de la fréquence ;\n"
            "- ECG de contrôle dans un mois ;\n"
            "- Holter ECG si l'asthénie persiste ou en cas de malaise."
        ),
        urgencies=("P3", "P2"),
        ages=(60, 92),
        modes=(TE_ASYNC, TE_SYNC),
        expert="cardiologue2",
    ),
    Case(
        question=(
            "LDL-cholestérol à {ldl_haut} g/L sous statine après un infarctus : quel objectif "
            "et quel traitement ?"
        ),
        context=(
            "{Patient} de {age} ans, infarctus du myocarde traité par angioplastie il y a deux "
            "ans. Sous atorvastatine 40 mg, bien tolérée. Bilan récent : LDL-cholestérol "
            "{ldl_haut} g/L, triglycérides 1,4 g/L, ALAT et CPK normales."
        ),
        answer=(
            "En prévention secondaire, l'objectif est un LDL-cholestérol inférieur à 0,55 g/L, "
            "avec une baisse d'au moins 50 % : il est encore loin. Première étape : dose "
            "maximale de statine associée à l'ézétimibe ; un inhibiteur de PCSK9 ne se discute "
            "qu'en cas d'échec de cette association."
        ),
        actions=(
            "- Atorvastatine 80 mg/j ;\n"
            "- Ajouter ézétimibe 10 mg/j ;\n"
            "- Bilan lipidique et ALAT à 6-8 semaines ;\n"
            "- Nous réadresser si le LDL reste > 0,7 g/L sous cette association."
        ),
        urgencies=("P4",),
        ages=(45, 85),
        modes=(TE_ASYNC,),
        expert="direction",
    ),
    Case(
        question=(
            "Extraction dentaire sous apixaban : faut-il arrêter l'anticoagulant, et combien de "
            "temps ?"
        ),
        context=(
            "{Patient} de {age} ans, fibrillation atriale sous apixaban 5 mg deux fois par jour, "
            "clairance {clairance} mL/min. Extraction de deux dents prévue par son "
            "chirurgien-dentiste dans dix jours."
        ),
        answer=(
            "Une extraction dentaire simple est un geste à faible risque hémorragique : "
            "l'anticoagulant n'a pas à être interrompu durablement. Il suffit de sauter la prise "
            "du matin de l'intervention et de la reprendre le soir, avec une hémostase locale "
            "soigneuse. Pas de relais par héparine."
        ),
        actions=(
            "- Ne pas prendre l'apixaban le matin de l'extraction, reprendre le soir (au moins "
            "6 h après le geste) ;\n"
            "- Hémostase locale : suture, compression, acide tranexamique en bain de bouche ;\n"
            "- Pas de relais par héparine ;\n"
            "- Transmettre cet avis au chirurgien-dentiste."
        ),
        urgencies=("P3", "P4"),
        ages=(62, 92),
        modes=(TE_ASYNC,),
        expert="cardiologue",
    ),
    Case(
        question=(
            "Reprise de la course à pied après 45 ans avec facteurs de risque : épreuve d'effort "
            "nécessaire ?"
        ),
        context=(
            "{Patient} de {age} ans, ancien fumeur, père décédé d'un infarctus à 58 ans, "
            "souhaite préparer un semi-marathon. Asymptomatique. ECG de repos normal, PA {ta} "
            "mmHg, LDL-cholestérol {ldl} g/L."
        ),
        answer=(
            "Reprise d'un sport intense après 45 ans avec deux facteurs de risque (tabagisme "
            "ancien, hérédité coronarienne précoce) : une épreuve d'effort est recommandée avant "
            "la reprise."
        ),
        actions=(
            "- Épreuve d'effort en consultation ;\n"
            "- Reprise progressive de l'entraînement ;\n"
            "- Bilan lipidique de contrôle."
        ),
        consultation=(
            "Épreuve d'effort maximale (12 METs) : ni douleur, ni trouble du rythme, ni "
            "modification ischémique du segment ST ; profil tensionnel normal. Pas de "
            "contre-indication cardiologique à la course à pied en compétition.",
            "- Certificat de non-contre-indication remis ;\n"
            "- Échauffement, hydratation, pas d'effort intense par forte chaleur ;\n"
            "- Consulter en cas de douleur thoracique, de palpitations ou de malaise à l'effort.",
        ),
        urgencies=("P4",),
        ages=(45, 65),
        modes=(ADVANCED,),
        preferred=PreferredResponse.CONSULTATION,
        expert="direction",
    ),
)

SURGERIES = (
    "une prothèse totale de hanche",
    "une prothèse totale de genou",
    "une cure de hernie inguinale",
    "une cholécystectomie sous cœlioscopie",
)

# (coordinator's question, requester's answer)
INFO_EXCHANGES = (
    (
        "Bonjour Docteur, pouvez-vous nous transmettre un bilan biologique récent (créatinine, "
        "kaliémie, NFS) ?",
        "Bilan du {date_bilan} : créatinine {creat} µmol/L, kaliémie {k_normal} mmol/L, "
        "hémoglobine {hb} g/dL.",
    ),
    (
        "Une échocardiographie a-t-elle déjà été réalisée ? Si oui, pouvez-vous nous en donner "
        "les conclusions ?",
        "Pas d'échographie antérieure, aucun suivi cardiologique jusqu'ici.",
    ),
    (
        "Pouvez-vous préciser le poids et la fonction rénale ? Ils conditionnent les doses.",
        "Poids {poids} kg, créatinine {creat} µmol/L, soit une clairance de {clairance} mL/min.",
    ),
)

# (specialist's question, requester's answer), while the specialist holds the case.
SPECIALIST_EXCHANGES = (
    (
        "Bonjour, y a-t-il une automédication, par anti-inflammatoires notamment ?",
        "Non, aucune automédication d'après {patient} et la pharmacie.",
    ),
    (
        "Bonjour, pouvez-vous me confirmer l'absence d'antécédent hémorragique ?",
        "Confirmé : aucun antécédent hémorragique, pas d'ulcère connu.",
    ),
    (
        "Existe-t-il des antécédents familiaux de mort subite ou de cardiopathie ?",
        "Pas de mort subite dans la famille ; une mère suivie pour une insuffisance cardiaque.",
    ),
)

DECLINE_REASONS = (
    "En congés cette semaine : à proposer à un confrère.",
    "Planning complet d'ici l'échéance, je ne peux pas tenir le délai demandé.",
    "Absent demain et après-demain (garde hospitalière) : à confier à un confrère.",
    "Lien personnel avec {patient} : je préfère qu'un confrère s'en charge.",
)
DECLINE_TO_REORIENT = "Ne relève pas d'un avis de l'ESS à mon sens : à réorienter."

CANCEL_REASONS = (
    "{Patient} a été hospitalisé{e} entre-temps au CHR d'Orléans.",
    "{Patient} a finalement obtenu un rendez-vous chez son cardiologue habituel.",
    "Demande envoyée en double par erreur.",
    "{Patient} ne souhaite plus d'avis spécialisé pour l'instant.",
    "Symptômes disparus : je reprendrai contact en cas de récidive.",
)

PRIORITY_CHANGE = {
    "down": "Urgence demandée {urgency}, régulée en {priority} : pas de signe de gravité.",
    "up": "Urgence demandée {urgency}, régulée en {priority} : aggravation récente, à avancer.",
}

CALLBACKS = (
    "Au cabinet entre 12 h 30 et 14 h",
    "Après 18 h 30 au cabinet",
    "Le matin avant 9 h",
    "Par le secrétariat toute la journée",
)

OPINION_NOTE = "Avis rendu : une consultation est nécessaire, rendez-vous à fixer."


STAGE_STATUS = {
    "submitted": Status.SUBMITTED,
    "info_requested": Status.INFO_REQUESTED,
    "info_provided": Status.SUBMITTED,
    "triaged": Status.TRIAGED,
    "declined": Status.TRIAGED,
    "accepted": Status.ACCEPTED,
    "opinion": Status.ACCEPTED,
    "scheduled": Status.SCHEDULED,
}


@dataclass(frozen=True)
class Pending:
    """Recent referrals held at a stage of their story, so that every queue has cases.

    `age` is how long ago they were submitted: hours, or multiples of the priority's delay.
    """

    stage: str
    count: int
    age: tuple[float, float]
    per_delay: bool = False
    outcome: str = ANSWER
    info: bool = False
    declined: bool = False
    urgencies: tuple[str, ...] = ("P2", "P3", "P4")
    overdue: bool = False
    named: bool | None = None


PENDING = (
    Pending("submitted", 3, (0.5, 6)),
    Pending("info_provided", 2, (20, 72), info=True),
    Pending("info_requested", 4, (20, 120), info=True),
    Pending("triaged", 3, (0.2, 0.7), per_delay=True, named=False),
    Pending("triaged", 3, (0.2, 0.7), per_delay=True, named=True),
    Pending("declined", 2, (0.3, 0.7), per_delay=True, declined=True, urgencies=("P3", "P4")),
    Pending("triaged", 1, (1.3, 2.0), per_delay=True, urgencies=("P2",), overdue=True),
    Pending("accepted", 4, (0.2, 0.7), per_delay=True, urgencies=("P3", "P4")),
    Pending("accepted", 1, (1.2, 1.6), per_delay=True, urgencies=("P3",), overdue=True),
    Pending("opinion", 1, (0.4, 0.9), per_delay=True, outcome=OPINION, urgencies=("P3", "P4")),
    Pending(
        "scheduled", 5, (0.1, 0.5), per_delay=True, outcome=CONSULTATION, urgencies=("P3", "P4")
    ),
)


# ---------------------------------------------------------------------------------------------
# Patients
# ---------------------------------------------------------------------------------------------
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    *_words(
        "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
        "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert "
        "Fontaine Vincent Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François "
        "Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu "
        "Masson Marchand Duval Denis Dumont Lemaire Noël Meyer Dufour Meunier Brun Blanchard "
        "Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Gérard Roche Renard Roy "
        "Leroux Colin Caron Picard Roger Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe "
        "Bourgeois Benoît Leclerc Rolland Guillaume Lecomte Hubert Berger Carpentier Dupuis "
        "Moulin Deschamps Huet Boucher Fleury Royer Jacquet Poirier Aubry Guyot Carré "
        "Charpentier Ménard Maillard Baron Bertin Bailly Hervé Collet Léger Bouvier Julien "
        "Prévost Millet Perrot Cousin Germain Breton Besson Langlois Pelletier Lévêque Perrier "
        "Lebrun Marchal Mallet Hamon Boulanger Monnier Guichard Gillet Étienne Tessier Chauvin "
        "Bouchet Humbert Cordier Pichon Lejeune Delaunay Pasquier Chesneau Pinsard Gaudin "
        "Texier Ferreira Pereira Haddad Meziane Nguyen Yilmaz Traoré Lopes"
    ),
    "Da Silva",
    "Dos Santos",
)

# First names given to the generation born before the year in the key.
FIRST_NAMES = {
    (Sex.MALE, 1956): _words(
        "Jean Michel Pierre André Bernard Jacques Claude Gérard Daniel Roger Marcel René "
        "Robert Georges Henri Louis Guy Jean-Pierre Jean-Claude Alain Serge Gilbert Yves Raymond"
    ),
    (Sex.MALE, 1976): _words(
        "Philippe Patrick Christian Éric Thierry Pascal Didier Frédéric Laurent Stéphane "
        "Olivier Bruno Dominique Francis Joël Hervé Jean-Luc Franck Denis Jean-Marc"
    ),
    (Sex.MALE, 9999): _words(
        "Nicolas Sébastien Julien Guillaume Mathieu Jérôme David Cédric Antoine Romain Thomas "
        "Kévin Maxime Alexandre Vincent Anthony Mehdi Karim"
    ),
    (Sex.FEMALE, 1956): _words(
        "Marie Jeanne Monique Jacqueline Françoise Nicole Michèle Denise Simone Colette Yvette "
        "Ginette Odette Paulette Christiane Danielle Gisèle Suzanne Geneviève Annie Josiane "
        "Bernadette Marie-Thérèse"
    ),
    (Sex.FEMALE, 1976): _words(
        "Sylvie Catherine Isabelle Martine Nathalie Christine Brigitte Véronique Patricia "
        "Corinne Valérie Dominique Pascale Chantal Évelyne Fabienne Béatrice Florence Élisabeth"
    ),
    (Sex.FEMALE, 9999): _words(
        "Stéphanie Céline Aurélie Sandrine Émilie Julie Séverine Caroline Audrey Laetitia "
        "Virginie Camille Marion Élodie Sarah Laura Nadia Samia"
    ),
}

# INSEE codes of the communes where each practice's patients live.
HOME_COMMUNES = {
    "medecin": _words(
        "45234 45232 45284 45147 45285 45302 45075 45286 45298 45169 45089 45274 45308 45235"
    ),
    "medecin2": _words(
        "45203 45024 45028 45098 45167 45020 45269 45067 45196 45134 45179 45317 45109 45019 "
        "45202 45344 45081"
    ),
}

# Where people of the Loiret were born: mostly the maternities of Orléans, Montargis, Gien,
# Pithiviers and Beaugency.
LOIRET_BIRTHPLACES = ("45234", "45234", "45234", "45208", "45155", "45252", "45028")
# Tours, Blois, Bourges, Chartres, Paris 14e, Morocco, Algeria, Portugal.
OTHER_BIRTHPLACES = ("37261", "41018", "18033", "28085", "75114", "99350", "99352", "99139")
INS_SHARE = 0.7
RETURNING_SHARE = 0.12


class People:
    """Patients of the two demo practices: strict traits, home commune, INS for most."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken_ins = set(Patient.objects.exclude(ins="").values_list("ins", flat=True))
        communes = {c.code: c for c in Commune.objects.filter(departement_id="45")}
        self.loiret = list(communes.values())
        self.homes = {
            gp: [communes[code] for code in codes if code in communes]
            for gp, codes in HOME_COMMUNES.items()
        }
        self.by_gp: dict[str, list[Patient]] = {gp: [] for gp in HOME_COMMUNES}
        self.visits: dict[int, list[datetime]] = {}

    def new(self, gp: User, gp_key: str, age: int, at: datetime) -> Patient:
        rng = self.rng
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        birth_date = timezone.localdate(at) - timedelta(days=age * 365 + rng.randint(15, 350))
        birth_name = rng.choice(SURNAMES)
        has_ins = rng.random() < INS_SHARE
        birth_place = self._birth_place(born_in_loiret=has_ins)
        patient = Patient(
            birth_name=birth_name.upper(),
            first_names=self._first_names(sex, birth_date.year).upper(),
            sex=sex,
            birth_date=birth_date,
            birth_place_code=birth_place,
            used_name=self._used_name(sex, age, birth_name).upper(),
            phone=self._phone(age),
            commune=self._home(gp_key),
            gp_name=gp.display_name,
            created_at=at,
        )
        if has_ins:
            patient.ins = self._ins(sex, birth_date, birth_place)
            patient.ins_oid = InsOid.NIR
        self.by_gp[gp_key].append(patient)
        self.visits[id(patient)] = [at]
        return patient

    def returning(self, gp_key: str, at: datetime) -> Patient | None:
        """Someone this practice already referred (at least three weeks ago, fewer than three
        times), now with a new question."""
        candidates = [
            p
            for p in self.by_gp[gp_key]
            if len(self.visits[id(p)]) < 3 and self.visits[id(p)][-1] < at - timedelta(days=21)
        ]
        if not candidates:
            return None
        patient = self.rng.choice(candidates)
        self.visits[id(patient)].append(at)
        return patient

    def _first_names(self, sex: str, year: int) -> str:
        names = next(v for (s, before), v in FIRST_NAMES.items() if s == sex and year < before)
        count = self.rng.choices((1, 2, 3), weights=(3, 5, 2))[0]
        return " ".join(self.rng.sample(names, count))

    def _used_name(self, sex: str, age: int, birth_name: str) -> str:
        if sex != Sex.FEMALE or age < 30 or self.rng.random() < 0.45:
            return ""
        return self.rng.choice([name for name in SURNAMES if name != birth_name])

    def _phone(self, age: int) -> str:
        """Numbers from the ranges ARCEP reserves for fiction."""
        if self.rng.random() < 0.1:
            return ""
        prefix = "02 61 91" if age > 75 and self.rng.random() < 0.6 else "06 39 98"
        return f"{prefix} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d}"

    def _home(self, gp_key: str) -> Commune | None:
        pool = self.homes[gp_key] if self.rng.random() < 0.88 else self.loiret
        pool = pool or self.loiret
        if not pool:
            return None
        return self.rng.choices(pool, weights=[c.population or 100 for c in pool])[0]

    def _birth_place(self, *, born_in_loiret: bool) -> str:
        if not born_in_loiret and self.rng.random() < 0.5:
            return self.rng.choice(OTHER_BIRTHPLACES)
        if self.loiret and self.rng.random() < 0.3:
            return self.rng.choice(self.loiret).code
        return self.rng.choice(LOIRET_BIRTHPLACES)

    def _ins(self, sex: str, birth_date: date, birth_place: str) -> str:
        """A fictitious NIR with a valid key: sex, year and month, place of birth, order."""
        sex_digit = "1" if sex == Sex.MALE else "2"
        while True:
            body = f"{sex_digit}{birth_date:%y%m}{birth_place}{self.rng.randint(1, 999):03d}"
            nir = f"{body}{97 - int(body) % 97:02d}"
            if nir not in self.taken_ins:
                validate_nir(nir)
                self.taken_ins.add(nir)
                return nir


def _age_at(birth_date: date, at: datetime) -> int:
    day = timezone.localdate(at)
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _decimal(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _clinical_values(rng: random.Random, patient: Patient, age: int, at: datetime) -> dict:
    """What the case templates need about this patient, consistent with one another."""
    female = patient.sex == Sex.FEMALE
    weight = rng.randint(55, 85) if female else rng.randint(66, 98)
    creatinine = rng.randint(58, 92) if female else rng.randint(68, 112)
    creatinine += 15 if age >= 80 else 0
    clearance = round((140 - age) * weight * (1.04 if female else 1.23) / creatinine)
    return {
        "Patient": "Patiente" if female else "Patient",
        "patient": "la patiente" if female else "le patient",
        "au_patient": "à la patiente" if female else "au patient",
        "e": "e" if female else "",
        "age": age,
        "poids": weight,
        "creat": creatinine,
        "clairance": clearance,
        "cha2ds2va": 1 + (2 if age >= 75 else 1 if age >= 65 else 0),
        "fc": rng.randint(62, 86),
        "fc_fa": rng.randint(88, 118),
        "fc_rapide": rng.randint(132, 158),
        "fc_basse": rng.randint(42, 49),
        "ta": f"{rng.randint(124, 148)}/{rng.randint(72, 88)}",
        "ta_haute": f"{rng.randint(156, 178)}/{rng.randint(92, 104)}",
        "ta_auto": f"{rng.randint(142, 158)}/{rng.randint(88, 96)}",
        "bnp": rng.randrange(850, 2600, 10),
        "ldl": _decimal(rng.uniform(1.3, 1.9), 2),
        "ldl_haut": _decimal(rng.uniform(0.95, 1.4), 2),
        "k": _decimal(rng.uniform(3.3, 3.7), 1),
        "k_normal": _decimal(rng.uniform(4.0, 4.8), 1),
        "hb": _decimal(rng.uniform(11.8, 15.2), 1),
        "imc": _decimal(rng.uniform(29, 36), 1),
        "fevg": rng.randint(55, 66),
        "fevg_basse": rng.choice((30, 35, 35, 40)),
        "prise_poids": rng.randint(2, 5),
        "paquets": rng.choice((20, 25, 30, 40)),
        "chirurgie": rng.choice(SURGERIES),
        "annee_stent": timezone.localdate(at).year - rng.randint(2, 9),
        "date_bilan": f"{timezone.localdate(at) - timedelta(days=rng.randint(3, 20)):%d/%m/%Y}",
    }


# ---------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------
SUBMISSION_HOURS = (3, 5, 6, 7, 8, 8, 6, 5, 5, 6, 5, 3, 1, 1)  # weights for 8 h … 21 h


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    """That local time, in UTC: durations are then added in absolute time, as the services do
    (a wall-clock addition would be an hour off across a daylight-saving change)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute))).astimezone(UTC)


def _desk(rng: random.Random, at: datetime, desk: tuple[int, int, int]) -> datetime:
    """`at` if that desk is open then, otherwise a little after it next opens."""
    start, end, days = desk
    local = timezone.localtime(at)
    if local.weekday() < days and start <= local.hour < end:
        return at
    day = local.date()
    if local.weekday() >= days or local.hour >= end:
        day += timedelta(days=1)
    while day.weekday() >= days:
        day += timedelta(days=1)
    return _moment(day, start) + timedelta(minutes=rng.randint(5, 80))


def _after(
    rng: random.Random, at: datetime, hours: tuple[float, float], desk: tuple[int, int, int]
) -> datetime:
    return _desk(rng, at + timedelta(hours=rng.uniform(*hours)), desk)


def _slot(rng: random.Random, at: datetime, desk: tuple[int, int, int]) -> datetime:
    """The first consultation slot, on the quarter hour, from `at`."""
    at = _desk(rng, at, desk).replace(second=0, microsecond=0)
    return at + timedelta(minutes=-at.minute % 15)


def _awake(at: datetime) -> datetime:
    """Night-time submissions are moved to the evening before."""
    hour = timezone.localtime(at).hour
    return at - timedelta(hours=hour + 2) if hour < 7 else at


# ---------------------------------------------------------------------------------------------
# One referral's story
# ---------------------------------------------------------------------------------------------
class _Stop(Exception):
    """The story goes no further: its next step is in the future, or it is held here."""

    def __init__(self, *, held: bool):
        super().__init__()
        self.held = held


class Timeline:
    """A referral and its events, messages and act, written step by step as the services write
    them (same fields, same notes), up to the present or up to the stage it is held at."""

    def __init__(self, referral: Referral, *, now: datetime, hold: str = ""):
        self.referral = referral
        self.now = now
        self.hold = hold
        self.held = False
        self.events: list[ReferralEvent] = []
        self.messages: list[Message] = []
        self.act: TeleexpertiseAct | None = None
        self.last = referral.submitted_at - timedelta(minutes=1)

    def submit(self) -> None:
        r = self.referral
        at = self._clock(r.submitted_at)
        r.status = Status.SUBMITTED
        self._record(at, r.requester, to_status=Status.SUBMITTED)
        self._stage("submitted")

    def request_info(self, at: datetime, by: User, question: str) -> None:
        at = self._clock(at)
        self._move(at, by, Status.INFO_REQUESTED, note=question)
        self._message(at, by, question)
        self._stage("info_requested")

    def provide_info(self, at: datetime, answer: str) -> None:
        r = self.referral
        at = self._clock(at)
        self._move(at, r.requester, Status.SUBMITTED, note="Complément apporté")
        self._message(at, r.requester, answer)
        r.info_received_at = at
        self._stage("info_provided")

    def triage(
        self, at: datetime, by: User, *, priority: str, mode: str, offer: User | None, note: str
    ) -> None:
        r = self.referral
        at = self._clock(at)
        self._move(at, by, Status.TRIAGED, note=note)
        r.priority = priority
        r.response_mode = mode
        r.due_at = r.submitted_at + priority_delay(priority)
        r.offered_to = offer
        r.offered_to_pool = offer is None
        r.triaged_at = r.triaged_at or at
        r.info_received_at = None
        r.last_declined_at = None
        self._stage("triaged")

    def decline(self, at: datetime, by: User, reason: str) -> None:
        r = self.referral
        at = self._clock(at)
        self._move(at, by, Status.TRIAGED, note=reason, kind=EventKind.DECLINE, internal=True)
        r.offered_to = None
        r.offered_to_pool = False
        r.specialist = None
        r.accepted_at = None
        r.last_declined_at = at
        self._stage("declined")

    def accept(self, at: datetime, by: User) -> None:
        r = self.referral
        at = self._clock(at)
        self._move(at, by, Status.ACCEPTED)
        r.specialist = by
        r.accepted_at = at
        r.offered_to = None
        r.offered_to_pool = False
        self._stage("accepted")

    def give_opinion(self, at: datetime, answer: str, actions: str) -> None:
        """A télé-expertise answer saying a consultation is needed: the case stays open."""
        r = self.referral
        at = self._clock(at)
        self._bill(at)
        self._record(at, r.specialist, kind=EventKind.ANSWER, note=OPINION_NOTE)
        r.answered_at = at
        r.answer = answer
        r.recommended_actions = actions
        r.consultation_needed = True
        self._stage("opinion")

    def schedule(self, at: datetime, starts_at: datetime, location: str) -> None:
        r = self.referral
        at = self._clock(at)
        note = f"Rendez-vous le {timezone.localtime(starts_at):%d/%m/%Y %H:%M} — {location}"
        self._move(at, r.specialist, Status.SCHEDULED, note=note)
        r.appointment_at = starts_at
        r.appointment_location = location
        self._stage("scheduled")

    def complete(self, at: datetime, answer: str, actions: str) -> None:
        r = self.referral
        at = self._clock(at)
        if r.response_mode in TELEEXPERTISE_MODES and r.status == Status.ACCEPTED:
            self._bill(at)
        self._move(at, r.specialist, Status.COMPLETED)
        r.answered_at = r.answered_at or at
        r.answer = answer
        r.recommended_actions = actions
        r.consultation_needed = False
        r.completed_at = r.closed_at = at

    def reorient(self, at: datetime, by: User, target: str, reason: str) -> None:
        r = self.referral
        at = self._clock(at)
        self._move(at, by, Status.REORIENTED, note=f"{target} — {reason}")
        r.reorient_target = target
        r.closing_reason = reason
        r.closed_at = at
        r.offered_to = None
        r.offered_to_pool = False

    def cancel(self, at: datetime, reason: str) -> None:
        r = self.referral
        at = self._clock(at)
        self._move(at, r.requester, Status.CANCELLED, note=reason)
        r.closing_reason = reason
        r.closed_at = at
        r.offered_to = None
        r.offered_to_pool = False

    def note(self, at: datetime, by: User, text: str) -> None:
        self._record(self._clock(at), by, kind=EventKind.NOTE, note=text, internal=True)

    def message(self, at: datetime, by: User, body: str) -> None:
        self._message(self._clock(at), by, body)

    def _clock(self, at: datetime) -> datetime:
        at = max(at, self.last + timedelta(minutes=1))
        if at > self.now:
            raise _Stop(held=False)
        self.last = at
        return at

    def _stage(self, stage: str) -> None:
        if stage == self.hold:
            self.held = True
            raise _Stop(held=True)

    def _move(self, at: datetime, by: User, to: str, **fields) -> None:
        current = self.referral.status
        if to not in TRANSITIONS[current]:
            raise ValueError(f"{self.referral}: {current} → {to} is not allowed")
        self._record(at, by, from_status=current, to_status=to, **fields)
        self.referral.status = to

    def _record(self, at: datetime, by: User, **fields) -> None:
        self.events.append(ReferralEvent(referral=self.referral, at=at, actor=by, **fields))

    def _message(self, at: datetime, by: User, body: str) -> None:
        self.messages.append(Message(referral=self.referral, author=by, body=body, created_at=at))

    def _bill(self, at: datetime) -> None:
        r = self.referral
        if self.act is None:
            codes = settings.ESS_TELEEXPERTISE_CODES
            self.act = TeleexpertiseAct(
                referral=r,
                requesting=r.requester,
                answering=r.specialist,
                performed_on=timezone.localdate(at),
                requesting_code=codes["requesting"],
                answering_code=codes["answering"],
            )


@dataclass
class Scenario:
    """Everything decided up front about one referral; `_live` then tells its story."""

    requester: User
    coordinator: User
    specialty: Specialty
    patient: Patient
    submitted_at: datetime
    question: str
    context: str
    urgency: str
    priority: str
    mode: str
    outcome: str
    taker: User
    offer: User | None = None
    decliner: User | None = None
    preferred: str = PreferredResponse.NO_PREFERENCE
    callback: str = ""
    triage_note: str = ""
    priority_note: str = ""
    decline_reason: str = ""
    reorientation: tuple[str, str] = ("", "")
    reorient_at_intake: bool = False
    cancel_from: str = ""
    cancel_reason: str = ""
    info_exchange: tuple[str, str] | None = None
    specialist_exchange: tuple[str, str] | None = None
    answer: tuple[str, str] = ("", "")
    report: tuple[str, str] = ("", "")
    location: str = ""
    due_fraction: float = 0.5
    feedback: tuple[bool, bool] | None = None

    @property
    def coordination(self) -> tuple[int, int, int]:
        return URGENT_COORDINATION if self.urgency in URGENT_PRIORITIES else COORDINATION

    @property
    def consultations(self) -> tuple[int, int, int]:
        return URGENT_CONSULTATIONS if self.priority in URGENT_PRIORITIES else CONSULTATIONS


def _replay(s: Scenario, rng: random.Random, now: datetime, hold: str = "") -> Timeline:
    referral = Referral(
        patient=s.patient,
        requester=s.requester,
        requester_organisation=s.requester.organisation,
        specialty=s.specialty,
        question=s.question,
        context=s.context,
        urgency_requested=s.urgency,
        preferred_response=s.preferred,
        consent=True,
        callback_availability=s.callback,
        submitted_at=s.submitted_at,
    )
    timeline = Timeline(referral, now=now, hold=hold)
    with contextlib.suppress(_Stop):
        _live(timeline, s, rng)
    if referral.status == Status.COMPLETED and s.feedback:
        referral.feedback_useful, referral.feedback_avoided_visit = s.feedback
    return timeline


def _live(tl: Timeline, s: Scenario, rng: random.Random) -> None:
    for chapter in (_intake, _regulation, _response):
        chapter(tl, s, rng)
        if not tl.referral.is_open:
            return


def _intake(tl: Timeline, s: Scenario, rng: random.Random) -> None:
    tl.submit()
    if s.outcome == REORIENT and s.reorient_at_intake:
        tl.reorient(_after(rng, tl.last, (0.1, 1), s.coordination), s.coordinator, *s.reorientation)
    elif s.outcome == CANCEL and s.cancel_from == Status.SUBMITTED:
        tl.cancel(_after(rng, tl.last, (1, 8), PRACTICE), s.cancel_reason)
    elif s.info_exchange:
        question, answer = s.info_exchange
        tl.request_info(_after(rng, tl.last, (0.3, 3), s.coordination), s.coordinator, question)
        if s.outcome == CANCEL and s.cancel_from == Status.INFO_REQUESTED:
            tl.cancel(_after(rng, tl.last, (24, 120), PRACTICE), s.cancel_reason)
        else:
            tl.provide_info(_after(rng, tl.last, (2, 60), PRACTICE), answer)


def _regulation(tl: Timeline, s: Scenario, rng: random.Random) -> None:
    at = _after(rng, tl.last, TRIAGE_DELAY[s.urgency], s.coordination)
    if s.priority_note:
        tl.note(at, s.coordinator, s.priority_note)
    regulation = {"priority": s.priority, "mode": s.mode}
    tl.triage(at, s.coordinator, offer=s.offer, note=s.triage_note, **regulation)
    if s.decliner:
        tl.decline(_after(rng, tl.last, (1, 18), SPECIALIST), s.decliner, s.decline_reason)
        if s.outcome == REORIENT:
            at = _after(rng, tl.last, (0.5, 4), s.coordination)
            tl.reorient(at, s.coordinator, *s.reorientation)
            return
        note = f"Reproposée au {s.taker.display_name} après refus."
        at = _after(rng, tl.last, (0.5, 3), s.coordination)
        tl.triage(at, s.coordinator, offer=s.taker, note=note, **regulation)
    if s.outcome == CANCEL:
        tl.cancel(_after(rng, tl.last, (4, 72), PRACTICE), s.cancel_reason)
        return
    tl.accept(_after(rng, tl.last, ACCEPT_DELAY[s.priority], SPECIALIST), s.taker)


def _response(tl: Timeline, s: Scenario, rng: random.Random) -> None:
    if s.specialist_exchange:
        question, answer = s.specialist_exchange
        tl.message(_after(rng, tl.last, (0.5, 6), SPECIALIST), s.taker, question)
        tl.message(_after(rng, tl.last, (1, 30), PRACTICE), s.requester, answer)
    target = s.submitted_at + priority_delay(s.priority) * s.due_fraction
    if s.outcome == CONSULTATION:
        _consultation(tl, s, rng, target)
        return
    answered_at = _desk(rng, max(target, tl.last + timedelta(minutes=20)), SPECIALIST)
    if s.outcome == OPINION:
        tl.give_opinion(answered_at, *s.answer)
        _consultation(tl, s, rng, tl.last + timedelta(days=rng.uniform(5, 30)))
    else:
        tl.complete(answered_at, *s.answer)


def _consultation(tl: Timeline, s: Scenario, rng: random.Random, target: datetime) -> None:
    scheduled_at = _after(rng, tl.last, (0.3, 20), SPECIALIST)
    lead = timedelta(hours=APPOINTMENT_LEAD[s.priority])
    appointment = _slot(rng, max(target, scheduled_at + lead), s.consultations)
    tl.schedule(scheduled_at, appointment, s.location)
    tl.complete(appointment + timedelta(hours=rng.uniform(0.5, 3)), *s.report)


# ---------------------------------------------------------------------------------------------
# The year
# ---------------------------------------------------------------------------------------------
class Seeder:
    """Draws the year's referrals (who, what, how it ends) and replays each one."""

    def __init__(self, users: dict[str, User], specialty: Specialty, now: datetime):
        self.rng = random.Random(SEED)  # noqa: S311 -- reproducible demo data, not security
        self.users = users
        self.specialty = specialty
        self.now = now
        self.people = People(self.rng)

    def run(self) -> list[Timeline]:
        history_count = REFERRAL_COUNT - sum(spec.count for spec in PENDING)
        return self._history(history_count) + self._pending()

    def _history(self, count: int) -> list[Timeline]:
        timelines = []
        for at in self._submission_times(count):
            gp_key = self._pick(REQUESTER_MIX)
            patient = None
            if self.rng.random() < RETURNING_SHARE:
                patient = self.people.returning(gp_key, at)
            if patient:
                urgency, case = self._case(age=_age_at(patient.birth_date, at))
            else:
                urgency, case = self._case()
                patient = self.people.new(self.users[gp_key], gp_key, self._age(case), at)
            scenario = self._scenario(gp_key, patient, case, urgency, at)
            timelines.append(_replay(scenario, self._fork(), self.now))
        return timelines

    def _pending(self) -> list[Timeline]:
        return [self._held(spec) for spec in PENDING for _ in range(spec.count)]

    def _held(self, spec: Pending) -> Timeline:
        """A recent referral held at `spec.stage`: its submission time is drawn again until
        its story reaches that stage before now (and is overdue only when it should be)."""
        gp_key = self._pick(REQUESTER_MIX)
        urgency, case = self._case(urgencies=spec.urgencies, outcome=spec.outcome)
        patient = self.people.new(self.users[gp_key], gp_key, self._age(case), self.now)
        scale = priority_delay(urgency) / timedelta(hours=1) if spec.per_delay else 1
        for _attempt in range(200):
            at = _awake(self.now - timedelta(hours=self.rng.uniform(*spec.age) * scale))
            scenario = self._scenario(gp_key, patient, case, urgency, at, spec)
            timeline = _replay(scenario, self._fork(), self.now, hold=spec.stage)
            if self._is_held(timeline, spec):
                patient.created_at = at
                return timeline
        raise RuntimeError(f"No demo referral held at {spec.stage!r}: adjust PENDING.")

    def _is_held(self, timeline: Timeline, spec: Pending) -> bool:
        r = timeline.referral
        if not timeline.held or r.status != STAGE_STATUS[spec.stage]:
            return False
        if r.due_at and (r.due_at < self.now) != spec.overdue:
            return False
        return spec.stage != "scheduled" or r.appointment_at > self.now

    def _scenario(
        self,
        gp_key: str,
        patient: Patient,
        case: Case,
        urgency: str,
        at: datetime,
        spec: Pending | None = None,
    ) -> Scenario:
        rng = self.rng
        requester = self.users[gp_key]
        values = _clinical_values(rng, patient, _age_at(patient.birth_date, at), at)

        def fill(*templates: str) -> tuple[str, ...]:
            return tuple(template.format(**values) for template in templates)

        outcome = spec.outcome if spec else self._closure(case, urgency)
        priority = urgency if spec else self._regulated(urgency)
        mode = self._mode(case, priority, outcome)
        outcome = outcome or self._completion(case, mode)
        at_intake = outcome == REORIENT and (urgency == Priority.P1 or rng.random() < 0.5)
        if spec:
            declined = spec.declined
        elif outcome == REORIENT:
            declined = not at_intake
        else:
            declined = outcome != CANCEL and rng.random() < 0.07
        offer = self._offer(case, named=spec.named if spec else None)
        decliner = (offer or self._specialist()) if declined else None
        taker = offer if offer and not declined else self._specialist(excluding=decliner)
        cancel_from = self._cancel_stage() if outcome == CANCEL else ""
        wants_info = spec.info if spec else urgency != Priority.P1 and rng.random() < 0.1
        wants_info = wants_info or cancel_from == Status.INFO_REQUESTED
        talks = outcome in (ANSWER, OPINION, CONSULTATION) and rng.random() < 0.08
        question, context = fill(case.question, case.context)
        return Scenario(
            requester=requester,
            coordinator=self.users["coordination"],
            specialty=self.specialty,
            patient=patient,
            submitted_at=at,
            question=question,
            context=context,
            urgency=urgency,
            priority=priority,
            mode=mode,
            outcome=outcome,
            taker=taker,
            offer=offer,
            decliner=decliner,
            preferred=case.preferred if rng.random() < 0.7 else PreferredResponse.NO_PREFERENCE,
            callback=rng.choice(CALLBACKS) if rng.random() < 0.35 else "",
            triage_note=self._triage_note(offer),
            priority_note=self._priority_note(urgency, priority),
            decline_reason=fill(
                DECLINE_TO_REORIENT if outcome == REORIENT else rng.choice(DECLINE_REASONS)
            )[0],
            reorientation=fill(*case.reorient) if case.reorient else ("", ""),
            reorient_at_intake=at_intake,
            cancel_from=cancel_from,
            cancel_reason=fill(rng.choice(CANCEL_REASONS))[0],
            info_exchange=fill(*rng.choice(INFO_EXCHANGES)) if wants_info else None,
            specialist_exchange=fill(*rng.choice(SPECIALIST_EXCHANGES)) if talks else None,
            answer=fill(*(case.hospital if mode == HOSPITAL else (case.answer, case.actions))),
            report=fill(*case.consultation) if case.consultation else ("", ""),
            location=self._location(requester, mode, outcome),
            due_fraction=self._due_fraction(mode, late=not spec and rng.random() < 0.14),
            feedback=self._feedback(mode, outcome),
        )

    def _submission_times(self, count: int) -> list[datetime]:
        times = []
        while len(times) < count:
            days_ago = self.rng.uniform(0, HISTORY_DAYS)
            weight = 1 - RAMP * days_ago / HISTORY_DAYS
            if days_ago < RECENT_DAYS:
                weight *= RECENT_SHARE
            if self.rng.random() < weight:
                times.append(self._submitted(days_ago))
        return sorted(times)

    def _submitted(self, days_ago: float) -> datetime:
        """When a GP sends a referral: office hours, rarely at the weekend."""
        rng = self.rng
        day = timezone.localdate(self.now) - timedelta(days=int(days_ago))
        if day.weekday() >= 5 and rng.random() < 0.85:
            day -= timedelta(days=day.weekday() - 4)
        hour = rng.choices(range(8, 22), weights=SUBMISSION_HOURS)[0]
        at = _moment(day, hour, rng.randint(0, 59))
        return at if at < self.now else at - timedelta(days=1)

    def _case(
        self, *, age: int | None = None, urgencies=(), outcome: str | None = None
    ) -> tuple[str, Case]:
        """An urgency (with the ESS's mix) and a case a GP would ask with it, for a patient of
        that age when known (relaxed if nothing fits)."""
        mix = {u: w for u, w in PRIORITY_MIX.items() if not urgencies or u in urgencies}
        for attempt in range(100):
            urgency = self._pick(mix)
            cases = [
                case
                for case in CASES
                if urgency in case.urgencies
                and (age is None or attempt > 20 or case.ages[0] <= age <= case.ages[1])
                and (outcome is None or (case.supports(outcome) and not case.always_reoriented))
            ]
            if cases:
                return urgency, self.rng.choice(cases)
        raise RuntimeError("No demo case fits: check CASES.")

    def _age(self, case: Case) -> int:
        low, high = case.ages
        return round(self.rng.triangular(low, high, low + 0.65 * (high - low)))

    def _closure(self, case: Case, urgency: str) -> str | None:
        """REORIENT or CANCEL when the case leaves the ESS unanswered; None otherwise."""
        if case.always_reoriented:
            return REORIENT
        reoriented = 0.3 if urgency == Priority.P1 else 0.07
        if case.reorient and self.rng.random() < reoriented:
            return REORIENT
        return CANCEL if self.rng.random() < 0.05 else None

    def _regulated(self, urgency: str) -> str:
        """The coordinator keeps the requested urgency, or changes it by one level."""
        if self.rng.random() >= 0.12:
            return urgency
        levels = list(Priority.values)
        index = levels.index(urgency)
        if index == 0:
            step = 1
        elif index == len(levels) - 1:
            step = -1
        else:
            step = 1 if self.rng.random() < 0.65 else -1
        return levels[index + step]

    def _mode(self, case: Case, priority: str, outcome: str | None) -> str:
        def fits(mode: str) -> bool:
            if outcome == CONSULTATION:
                return mode in CONSULTATION_MODES
            if outcome == OPINION:
                return mode in TELEEXPERTISE_MODES
            if outcome == ANSWER:
                return mode not in CONSULTATION_MODES
            return True

        modes = [mode for mode in case.modes if fits(mode)]
        urgent = priority in URGENT_PRIORITIES
        preferred = [mode for mode in modes if (mode in FAST_MODES) == urgent]
        return self.rng.choice(preferred or modes)

    def _completion(self, case: Case, mode: str) -> str:
        if mode in CONSULTATION_MODES:
            return CONSULTATION
        if mode in TELEEXPERTISE_MODES and case.consultation and self.rng.random() < 0.25:
            return OPINION
        return ANSWER

    def _offer(self, case: Case, *, named: bool | None = None) -> User | None:
        """A named cardiologist (often the one for this kind of question), or None: the pool."""
        if named is None:
            named = self.rng.random() < 0.4
        if not named:
            return None
        if case.expert and self.rng.random() < 0.7:
            return self.users[case.expert]
        return self._specialist()

    def _specialist(self, excluding: User | None = None) -> User:
        mix = {k: w for k, w in SPECIALIST_MIX.items() if self.users[k] != excluding}
        return self.users[self._pick(mix)]

    def _cancel_stage(self) -> str:
        stages = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.TRIAGED)
        return self.rng.choices(stages, weights=(35, 15, 50))[0]

    def _triage_note(self, offer: User | None) -> str:
        if self.rng.random() < 0.5:
            return ""
        if offer:
            return f"Proposée directement au {offer.display_name}."
        return "Proposée à l'ensemble des cardiologues de l'ESS."

    def _priority_note(self, urgency: str, priority: str) -> str:
        if priority == urgency:
            return ""
        template = PRIORITY_CHANGE["down" if priority > urgency else "up"]
        return template.format(urgency=urgency, priority=priority)

    def _location(self, requester: User, mode: str, outcome: str) -> str:
        if outcome == OPINION and self.rng.random() < 0.5:
            mode = ADVANCED
        organisation = requester.organisation
        if mode == ADVANCED and organisation:
            return f"Consultation avancée — {organisation.name}"
        if mode == TELECONSULTATION and organisation:
            return f"Téléconsultation assistée — {organisation.name}"
        return ESS_CABINET

    def _due_fraction(self, mode: str, *, late: bool) -> float:
        """When the answer (or appointment) comes, as a share of the priority's delay."""
        if late:
            return self.rng.uniform(1.05, 1.6)
        if mode in CONSULTATION_MODES:
            return self.rng.triangular(0.15, 0.85, 0.5)
        return self.rng.triangular(0.05, 0.85, 0.25)

    def _feedback(self, mode: str, outcome: str) -> tuple[bool, bool] | None:
        if self.rng.random() >= 0.6:
            return None
        useful = self.rng.random() < 0.92
        avoidable = outcome == ANSWER and mode in TELEEXPERTISE_MODES
        avoided = useful and self.rng.random() < (0.78 if avoidable else 0.1)
        return useful, avoided

    def _fork(self) -> random.Random:
        """A generator for one story: where the present cuts a story short then changes
        nothing for the next ones."""
        return random.Random(self.rng.getrandbits(64))  # noqa: S311 -- demo data

    def _pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------
def seed_referrals(users: dict[str, User]) -> int:
    """About a year of referrals from the demo GPs. Adds nothing if they already have some."""
    requesters = [users[key] for key in REQUESTER_MIX]
    specialty = Specialty.objects.filter(code="cardiologie").first()
    if specialty is None or Referral.objects.filter(requester__in=requesters).exists():
        return 0
    timelines = Seeder(users, specialty, timezone.now()).run()
    _save(timelines)
    return len(timelines)


def _save(timelines: list[Timeline]) -> None:
    """Bulk writes, references given in order of submission (so they follow the calendar)."""
    timelines.sort(key=lambda timeline: timeline.referral.submitted_at)
    referrals = [timeline.referral for timeline in timelines]
    patients = {id(referral.patient): referral.patient for referral in referrals}
    Patient.objects.bulk_create(patients.values())
    for referral in referrals:
        referral.reference = next_reference(now=referral.submitted_at)
    Referral.objects.bulk_create(referrals)
    ReferralEvent.objects.bulk_create(e for timeline in timelines for e in timeline.events)
    Message.objects.bulk_create(m for timeline in timelines for m in timeline.messages)
    TeleexpertiseAct.objects.bulk_create(t.act for t in timelines if t.act)
    for timeline in timelines:
        timeline.referral.updated_at = timeline.last
    Referral.objects.bulk_update(referrals, ["updated_at"])
