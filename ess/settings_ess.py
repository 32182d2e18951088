"""The ESS's own settings, read from the environment like the rest (ess/settings.py imports
them): delays, limits and thresholds of the platform's work, and its periodic jobs."""

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

# Periodic jobs, declared in one place (django-celery-beat copies them into its tables).
CELERY_BEAT_SCHEDULE = {
    # Re-queue emails an outage (broker or SMTP) left pending; delivery is idempotent.
    "sweep-pending-emails": {"task": "ess.tasks.sweep_pending_emails", "schedule": 300.0},
    # Send again the tasks recorded after a change (ess.outbox.task_queue) a broker outage left.
    "sweep-pending-tasks": {"task": "ess.tasks.sweep_pending_tasks", "schedule": 120.0},
    # Re-queue text messages an outage (broker or SMS provider) left pending.
    "sweep-pending-sms": {"task": "ess.tasks.sweep_pending_sms", "schedule": 120.0},
    # Re-queue the answers by secure messaging (MSSanté) an outage left pending; sent once.
    "sweep-pending-secure-messages": {
        "task": "interop.tasks.sweep_pending_secure_messages",
        "schedule": 300.0,
    },
    # An immediate opinion nobody acknowledged moves to the next on call, then the coordinators
    # (each request also queues its own timed check; this catches one the broker lost).
    "escalate-immediate-requests": {
        "task": "referrals.tasks.escalate_immediate_requests",
        "schedule": 60.0,
    },
    # Referrals at 75 % of their due time, then past it, are escalated to coordinators once.
    "escalate-referrals": {"task": "referrals.tasks.escalate_referrals", "schedule": 600.0},
    # Files kept across a refused new-referral form are not hoarded past their 24 hours.
    "purge-pending-attachments": {
        "task": "referrals.tasks.purge_pending_attachments",
        "schedule": 3600.0,
    },
    # Requests sent without an account and never confirmed are deleted once their link expired.
    "purge-unconfirmed-referrals": {
        "task": "referrals.tasks.purge_unconfirmed_referrals",
        "schedule": 3600.0,
    },
    # Those who chose a daily digest get it before the working day starts.
    "notification-digests": {
        "task": "ess.tasks.send_notification_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Draft the letter of the quarter just ended; days 1-3 so a beat down on the 1st catches
    # up. Idempotent: one letter per quarter.
    "draft-quarterly-newsletter": {
        "task": "projet_sante.tasks.draft_quarterly_newsletter",
        "schedule": crontab(minute=0, hour=6, day_of_month="1-3", month_of_year="1,4,7,10"),
    },
    # Resume a newsletter send whose batches stopped (worker crash, broker outage).
    "resume-stalled-newsletters": {
        "task": "projet_sante.tasks.resume_stalled_newsletters",
        "schedule": 600.0,
    },
    # Freeze the figures of the quarter just ended (days 1-3: a beat down on the 1st catches
    # up). Idempotent: one snapshot per quarter.
    "snapshot-quarterly-indicators": {
        "task": "projet_sante.tasks.snapshot_quarterly_indicators",
        "schedule": crontab(minute=15, hour=5, day_of_month="1-3", month_of_year="1,4,7,10"),
    },
    # On-call shifts nobody covers in the next days are told to managers and coordinators,
    # once per shift.
    "warn-on-call-gaps": {"task": "scheduling.tasks.warn_on_call_gaps", "schedule": 3600.0},
    # Delegated tasks of active pathways left undone past their due day remind their owner once,
    # then the coordinators once (pathways/reminders.py).
    "remind-late-pathway-tasks": {
        "task": "pathways.tasks.remind_late_pathway_tasks",
        "schedule": crontab(minute=0, hour="8-18"),
    },
    # Confirmed registrants of tomorrow's trainings get their reminder, once each
    # (events/services/registrations.py: reminders_send); hourly, so a late registration is
    # reminded too.
    "remind-tomorrows-trainings": {
        "task": "events.tasks.remind_tomorrows_trainings",
        "schedule": crontab(minute=15, hour="8-18"),
    },
    # Conventions come into force and expire by their dates; 90/30-day reminders go out once.
    "conventions-daily": {
        "task": "partners.tasks.conventions_daily",
        "schedule": crontab(hour=6, minute=30),
    },
}

# ---------------------------------------------------------------------------------------------
# On-call rosters
# ---------------------------------------------------------------------------------------------
# How many days ahead a shift nobody covers is warned about (managers and coordinators).
ON_CALL_GAP_WARNING_DAYS = env.int("ON_CALL_GAP_WARNING_DAYS", default=7)

# ---------------------------------------------------------------------------------------------
# Care pathways
# ---------------------------------------------------------------------------------------------
# Days after a late delegated task reminded its owner before the coordinators are told.
ESS_PATHWAY_TASK_ESCALATION_DAYS = env.int("ESS_PATHWAY_TASK_ESCALATION_DAYS", default=2)

# ---------------------------------------------------------------------------------------------
# Referrals
# ---------------------------------------------------------------------------------------------
# Each priority's delay (docs/design.md §4), in hours counted by the priority's rule:
# "calendar" (every elapsed hour) or "opening" (only the ESS's opening hours: nights, weekends,
# public holidays and closures do not count). Due time = submission + delay; escalation at 75 %.
# Env: ESS_PRIORITY_DELAYS_HOURS=P1=24,P2=48,P3=168,P4=720 and
# ESS_PRIORITY_DELAY_RULES=P1=calendar,P2=calendar,P3=calendar,P4=calendar (docs/operations.md).
ESS_PRIORITY_DELAYS_HOURS = {
    "P1": 24,
    "P2": 48,
    "P3": 7 * 24,
    "P4": 30 * 24,
    **env.dict("ESS_PRIORITY_DELAYS_HOURS", default={}),
}
ESS_PRIORITY_DELAY_RULES = {
    "P1": "calendar",
    "P2": "calendar",
    "P3": "calendar",
    "P4": "calendar",
    **env.dict("ESS_PRIORITY_DELAY_RULES", default={}),
}


def _positive(value) -> bool:
    return str(value).isdigit() and int(value) > 0


for _name, _values, _valid in (
    ("ESS_PRIORITY_DELAYS_HOURS", ESS_PRIORITY_DELAYS_HOURS, _positive),
    ("ESS_PRIORITY_DELAY_RULES", ESS_PRIORITY_DELAY_RULES, {"calendar", "opening"}.__contains__),
):
    if set(_values) != {"P1", "P2", "P3", "P4"} or not all(map(_valid, _values.values())):
        raise ImproperlyConfigured(f"{_name}: P1 to P4 only, each with a valid value: {_values}")
ESS_PRIORITY_DELAYS_HOURS = {p: int(hours) for p, hours in ESS_PRIORITY_DELAYS_HOURS.items()}
# A request sent without an account waits this long for its sender to follow the emailed link;
# past it the link is refused and the request is deleted (beat: purge-unconfirmed-referrals).
ESS_UNCONFIRMED_REFERRAL_HOURS = env.int("ESS_UNCONFIRMED_REFERRAL_HOURS", default=48)
# Days the personal link emailed with an answer to a professional without an account stays
# valid (referrals/answer_links.py); the page also asks for their RPPS/ADELI number.
ESS_ANSWER_LINK_DAYS = env.int("ESS_ANSWER_LINK_DAYS", default=30)
ESS_ATTACHMENT_MAX_BYTES = env.int("ESS_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
ESS_REFERRAL_ATTACHMENTS_MAX_BYTES = env.int(
    "ESS_REFERRAL_ATTACHMENTS_MAX_BYTES", default=50 * 1024 * 1024
)
# Images above this many pixels are refused (decompression bombs: a tiny PNG, gigabytes in memory).
ESS_IMAGE_MAX_PIXELS = env.int("ESS_IMAGE_MAX_PIXELS", default=60_000_000)
# Every upload is scanned by ClamAV's daemon when one of these is set (ess/antivirus.py), and
# refused when the daemon does not answer. Unset: no scan, and `check --deploy` warns.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")  # e.g. /run/clamav/clamd.ctl
CLAMD_URL = env.str("CLAMD_URL", default="")  # e.g. tcp://clamav:3310
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=20.0)  # seconds, per connection step
# A request body read whole into memory (a form, an API call's JSON) is refused beyond this (413
# for the API). The one JSON body that carries documents, the FHIR transaction Bundle, has its own
# bound below.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Immediate opinions ("avis immédiat"): minutes without acknowledgement before the next person
# on call (then the coordinators) is alerted; the video service whose rooms the specialist
# opens (a room is this URL followed by an unguessable name; empty: no video room offered).
ESS_IMMEDIATE_ESCALATION_MINUTES = env.float("ESS_IMMEDIATE_ESCALATION_MINUTES", default=10)
ESS_VIDEO_BASE_URL = env.str("ESS_VIDEO_BASE_URL", default="").rstrip("/")
# Text messages: the class that sends them (ess/sms.py); the default only logs them.
ESS_SMS_BACKEND = env.str("ESS_SMS_BACKEND", default="ess.sms.LoggingBackend")
# Télé-expertise acts recorded for billing information (NGAP: requérant RQD, requis TE2).
ESS_TELEEXPERTISE_CODES = {
    "requesting": env.str("ESS_TE_REQUESTING_CODE", default="RQD"),
    "answering": env.str("ESS_TE_ANSWERING_CODE", default="TE2"),
}

# ---------------------------------------------------------------------------------------------
# Quarterly newsletter
# ---------------------------------------------------------------------------------------------
# Emails per batch task: small enough to stay far below the task time limit over SMTP.
ESS_NEWSLETTER_BATCH_SIZE = env.int("ESS_NEWSLETTER_BATCH_SIZE", default=50)

# ---------------------------------------------------------------------------------------------
# Indicators and reports
# ---------------------------------------------------------------------------------------------
# ARS/CPAM readers see patient-derived figures resting on fewer cases than this as "< N".
ESS_SMALL_COUNT_THRESHOLD = env.int("ESS_SMALL_COUNT_THRESHOLD", default=10)
# A ready report of the current quarter older than this is rendered again on request.
ESS_REPORT_MAX_AGE_MINUTES = env.int("ESS_REPORT_MAX_AGE_MINUTES", default=60)
# A report sent again to the same ARS/CPAM within this delay is refused as a double submission.
ESS_TRANSMISSION_REPEAT_MINUTES = env.int("ESS_TRANSMISSION_REPEAT_MINUTES", default=10)
# Representativeness targets: liberal-practice members as a share of the territory's specialists
# of the same specialties. "YEARS:PERCENT" pairs: PERCENT applies from YEARS after the ESS's
# labelling date (ess.Team.labelled_on). Default: the national framework's 10 % at labelling,
# 50 % from three years after it.
_TARGETS = env.str("ESS_REPRESENTATIVENESS_TARGETS", default="0:10,3:50")
try:
    ESS_REPRESENTATIVENESS_TARGETS = sorted(
        (int(years), float(percent))
        for years, percent in (pair.split(":") for pair in _TARGETS.split(",") if pair.strip())
    )
except ValueError as exc:
    raise ImproperlyConfigured(
        "ESS_REPRESENTATIVENESS_TARGETS: pairs YEARS:PERCENT separated by commas, e.g. 0:10,3:50"
    ) from exc

# ---------------------------------------------------------------------------------------------
# Association life
# ---------------------------------------------------------------------------------------------
# A general assembly's quorum: this fraction of the members, present or represented (each
# assembly keeps its own, set from this default when it is planned).
ESS_ASSEMBLY_QUORUM = env.str("ESS_ASSEMBLY_QUORUM", default="0.5")
# Proxies one present member may hold at a general assembly.
ESS_ASSEMBLY_MAX_PROXIES = env.int("ESS_ASSEMBLY_MAX_PROXIES", default=2)

# ---------------------------------------------------------------------------------------------
# Interoperability (FHIR R4 at /fhir/, secure messaging)
# ---------------------------------------------------------------------------------------------
# Mutual TLS is terminated by the reverse proxy (listed in ESS_TRUSTED_PROXIES), which passes the
# verified client certificate (URL-encoded PEM, nginx's $ssl_client_escaped_cert) and its
# verdict ($ssl_client_verify) in these headers.
# The largest FHIR transaction Bundle read (its documents travel in it as base64, 4/3 of their
# size): by default what the documents of one referral may weigh, in base64, plus 1 MiB for the
# rest of the Bundle. Beyond: 413 with an OperationOutcome, the body not read.
ESS_FHIR_BUNDLE_MAX_BYTES = env.int(
    "ESS_FHIR_BUNDLE_MAX_BYTES",
    default=-(-ESS_REFERRAL_ATTACHMENTS_MAX_BYTES * 4 // 3) + 1024 * 1024,
)
ESS_FHIR_CLIENT_CERT_HEADER = env.str("ESS_FHIR_CLIENT_CERT_HEADER", default="X-SSL-Client-Cert")
ESS_FHIR_CLIENT_VERIFY_HEADER = env.str(
    "ESS_FHIR_CLIENT_VERIFY_HEADER", default="X-SSL-Client-Verify"
)
# Extensions and code systems whose canonical URL the ANS guides have not frozen yet: named here
# so that a deployment follows the guide's next version without a code change.
ESS_FHIR_URLS = {
    # The identifier system of our referrals' references (ServiceRequest.identifier).
    "referral_identifier": env.str(
        "ESS_FHIR_REFERRAL_IDENTIFIER_SYSTEM", default="urn:ess:demande"
    ),
    # The identifier system of a requesting platform's own request identifiers.
    "platform_identifier": env.str(
        "ESS_FHIR_PLATFORM_IDENTIFIER_SYSTEM", default="urn:ess:plateforme"
    ),
    # Urgency (P1–P4) of a request, when the guide's own extension is not frozen.
    "urgency_extension": env.str(
        "ESS_FHIR_URGENCY_EXTENSION", default="urn:ess:fhir:extension:urgence"
    ),
    # Our detailed status of a referral (ServiceRequest.extension, valueCoding), and the code
    # system of its codes (referrals.models.Status: submitted, triaged…).
    "status_extension": env.str(
        "ESS_FHIR_STATUS_EXTENSION", default="urn:ess:fhir:extension:statut-demande"
    ),
    "status_system": env.str("ESS_FHIR_STATUS_SYSTEM", default="urn:ess:statut-demande"),
    # The specialties asked for (ServiceRequest.performerType): our specialty codes.
    "specialty_system": env.str("ESS_FHIR_SPECIALTY_SYSTEM", default="urn:ess:specialite"),
    # The INSEE code of a commune in an Address (residence, birth place): FR Core's extension.
    "insee_code_extension": env.str(
        "ESS_FHIR_INSEE_CODE_EXTENSION",
        default="https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code",
    ),
    # A slot opened to the SAS (Slot.serviceType / meta.tag).
    "sas_tag": env.str("ESS_FHIR_SAS_TAG_SYSTEM", default="urn:ess:fhir:sas"),
    # Our specialty codes (ess.Specialty.code) in Slot, Schedule and PractitionerRole.specialty.
    "specialty": env.str("ESS_FHIR_SPECIALTY_SYSTEM", default="urn:ess:fhir:specialite"),
}
