"""The indicators' and PDFs' references for bench/scale.py.

- `product_figures(period)`: the product computing a quarter's figures live
  (`indicators_compute`, never a snapshot read): what is measured.
- `raw_sql_figures(period)`: the same figures written by hand in SQL, one statement per source
  (PostgreSQL): the reference. tests/projet_sante/test_indicators_reference.py asserts both give
  the same figures.
- `quarterly_html(period)` and `project_html(version, period)`: the HTML the product turns into
  its two PDFs, with its base URL, for WeasyPrint alone (the PDFs' reference).
"""

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

TAKEN = ("accepted", "scheduled", "completed")
NOT_EXPECTED = ("cancelled", "reoriented")
CHANNELS = ("web", "api", "web_no_account", "phone", "fax", "mail")  # as counted below


def product_figures(period, *, now: datetime | None = None) -> dict:
    from projet_sante.indicators.compute import indicators_compute

    return indicators_compute(period, now=now)


def quarterly_html(period) -> tuple[str, str]:
    from ess.pdf import pdf_base_url
    from projet_sante.indicators.reports import quarterly_report_html

    return quarterly_report_html(period.key), pdf_base_url()


def project_html(version, period) -> tuple[str, str]:
    from ess.pdf import pdf_base_url
    from projet_sante.project.pdf import project_pdf_html

    return project_pdf_html(version, period), pdf_base_url()


# ---------------------------------------------------------------------------------------------
# Hand-written SQL
# ---------------------------------------------------------------------------------------------
COHORT_SQL = """
WITH cohort AS (
    SELECT r.status, r.channel, r.answer, r.due_at, r.submitted_at, r.triaged_at,
           COALESCE(NULLIF(r.priority, ''), r.urgency_requested) AS priority,
           LEAST(r.answered_at, s.at) AS responded_at,
           EXISTS (SELECT 1 FROM referrals_referralevent d
                   WHERE d.referral_id = r.id AND d.kind = 'decline') AS declined,
           EXISTS (SELECT 1 FROM referrals_attachment a
                   WHERE a.referral_id = r.id AND a.is_report) AS has_report
    FROM referrals_referral r
    LEFT JOIN LATERAL (
        SELECT e.at FROM referrals_referralevent e
        WHERE e.referral_id = r.id AND e.to_status = 'scheduled' ORDER BY e.at LIMIT 1
    ) s ON true
    WHERE r.submitted_at >= %(start)s AND r.submitted_at < %(end)s AND r.status <> 'unconfirmed'
), flagged AS (
    SELECT *,
           EXTRACT(EPOCH FROM triaged_at - submitted_at) / 3600.0 AS triage_hours,
           EXTRACT(EPOCH FROM responded_at - submitted_at) / 3600.0 AS response_hours,
           due_at IS NOT NULL AND status NOT IN ('cancelled', 'reoriented')
               AND (responded_at IS NOT NULL OR due_at < %(now)s) AS due_known
    FROM cohort
)
SELECT
    COUNT(*),
    COUNT(*) FILTER (WHERE triaged_at IS NOT NULL),
    COUNT(*) FILTER (WHERE responded_at IS NOT NULL),
    COUNT(*) FILTER (WHERE triaged_at IS NOT NULL AND status IN ('accepted', 'scheduled',
                                                                  'completed')),
    COUNT(*) FILTER (WHERE triaged_at IS NOT NULL AND declined),
    COUNT(*) FILTER (WHERE status = 'reoriented'),
    COUNT(*) FILTER (WHERE status NOT IN ('cancelled', 'reoriented')),
    COUNT(*) FILTER (WHERE status = 'completed' AND (answer <> '' OR has_report)),
    COUNT(*) FILTER (WHERE priority = 'P1' AND due_known),
    COUNT(*) FILTER (WHERE priority = 'P1' AND due_known AND responded_at <= due_at),
    COUNT(*) FILTER (WHERE priority = 'P2' AND due_known),
    COUNT(*) FILTER (WHERE priority = 'P2' AND due_known AND responded_at <= due_at),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY triage_hours),
    percentile_cont(0.9) WITHIN GROUP (ORDER BY triage_hours),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY response_hours),
    percentile_cont(0.9) WITHIN GROUP (ORDER BY response_hours),
    COUNT(*) FILTER (WHERE channel = 'web'),
    COUNT(*) FILTER (WHERE channel = 'api'),
    COUNT(*) FILTER (WHERE channel = 'web_no_account'),
    COUNT(*) FILTER (WHERE channel = 'phone'),
    COUNT(*) FILTER (WHERE channel = 'fax'),
    COUNT(*) FILTER (WHERE channel = 'mail')
FROM flagged
"""

MODES_SQL = """
SELECT response_mode, COUNT(*) FROM referrals_referral
WHERE submitted_at >= %(start)s AND submitted_at < %(end)s AND status <> 'unconfirmed'
  AND triaged_at IS NOT NULL AND response_mode <> ''
GROUP BY response_mode
"""

IMMEDIATE_SQL = """
SELECT
    COUNT(*),
    COUNT(*) FILTER (WHERE r.accepted_at IS NOT NULL),
    COUNT(*) FILTER (WHERE r.status <> 'cancelled'),
    COUNT(*) FILTER (WHERE r.status <> 'cancelled'
                     AND r.answered_at <= r.submitted_at + interval '15 minutes'),
    COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM referrals_immediatealert a
                                   WHERE a.referral_id = r.id AND a.level >= 2)),
    percentile_cont(0.5) WITHIN GROUP (
        ORDER BY EXTRACT(EPOCH FROM r.accepted_at - r.submitted_at) / 60.0),
    percentile_cont(0.9) WITHIN GROUP (
        ORDER BY EXTRACT(EPOCH FROM r.accepted_at - r.submitted_at) / 60.0)
FROM referrals_referral r
WHERE r.immediate AND r.submitted_at >= %(start)s AND r.submitted_at < %(end)s
  AND r.status <> 'unconfirmed'
"""

MEMBERS_SQL = """
SELECT s.label, COUNT(*) FROM members_membership m
LEFT JOIN ess_specialty s ON s.id = m.specialty_id
WHERE m.joined_at < %(end)s
  AND ((m.status = 'active' AND m.ended_at IS NULL) OR m.ended_at >= %(end)s)
GROUP BY s.label
"""

NETWORK_SQL = """
SELECT
    (SELECT COUNT(*) FROM partners_partner WHERE created_at < %(end)s),
    (SELECT COUNT(*) FROM partners_convention
     WHERE status IN ('active', 'expired') AND effective_on <= %(last)s
       AND (end_on IS NULL OR end_on >= %(last)s)),
    (SELECT COUNT(*) FROM partners_convention
     WHERE signed_on >= %(first)s AND signed_on <= %(last)s)
"""

ADVANCED_SQL = """
SELECT COUNT(DISTINCT s.id),
       COUNT(DISTINCT a.id) FILTER (WHERE r.status IN ('scheduled', 'completed')),
       COUNT(DISTINCT t.commune_id)
FROM scheduling_consultationsession s
JOIN scheduling_consultationsite t ON t.id = s.site_id
LEFT JOIN scheduling_appointment a ON a.session_id = s.id
LEFT JOIN referrals_referral r ON r.id = a.referral_id
WHERE s.status = 'published' AND s.ends_at <= %(now)s
  AND s.date >= %(first)s AND s.date <= %(last)s
"""


PATHWAYS_SQL = """
SELECT
    (SELECT COUNT(*) FROM pathways_pathway p
     WHERE p.created_at < %(end)s
       AND NOT EXISTS (SELECT 1 FROM pathways_pathwayevent e
                       WHERE e.pathway_id = p.id AND e.to_status = 'closed' AND e.at < %(end)s)),
    (SELECT COUNT(*) FROM pathways_pathway
     WHERE created_at >= %(start)s AND created_at < %(end)s),
    (SELECT COUNT(*) FROM pathways_pathwaytask
     WHERE due_on BETWEEN %(first)s AND %(last)s AND status <> 'cancelled'
       AND (status = 'done' OR due_on < %(today)s)),
    (SELECT COUNT(*) FROM pathways_pathwaytask
     WHERE due_on BETWEEN %(first)s AND %(last)s AND status = 'done'
       AND (done_at AT TIME ZONE 'Europe/Paris')::date <= due_on),
    (SELECT COUNT(*) FROM pathways_pathwayalert
     WHERE raised_at >= %(start)s AND raised_at < %(end)s),
    (SELECT COUNT(*) FROM pathways_pathwayalert
     WHERE raised_at >= %(start)s AND raised_at < %(end)s AND answered_at IS NOT NULL),
    (SELECT percentile_cont(0.5) WITHIN GROUP (
         ORDER BY EXTRACT(EPOCH FROM answered_at - raised_at) / 3600.0)
     FROM pathways_pathwayalert
     WHERE raised_at >= %(start)s AND raised_at < %(end)s AND answered_at IS NOT NULL),
    (SELECT COUNT(*) FROM meetings_casemeeting
     WHERE status = 'held' AND COALESCE(held_at, starts_at) >= %(start)s
       AND COALESCE(held_at, starts_at) < %(end)s),
    (SELECT COUNT(*) FROM meetings_meetingcase
     WHERE decided_at >= %(start)s AND decided_at < %(end)s)
"""


EVENTS_SQL = """
WITH held AS (
    SELECT id, hours FROM events_training
    WHERE status = 'held' AND starts_at >= %(start)s AND starts_at < %(end)s
),
present AS (
    SELECT r.email, h.hours FROM events_registration r JOIN held h ON h.id = r.training_id
    WHERE r.status = 'confirmed' AND r.attended
),
actions AS (
    SELECT * FROM events_campaignaction WHERE held_on BETWEEN %(first)s AND %(last)s
),
sessions AS (
    SELECT * FROM events_etpsession WHERE held_on BETWEEN %(first)s AND %(last)s
)
SELECT
    (SELECT COUNT(*) FROM held),
    (SELECT COALESCE(SUM(hours), 0) FROM held),
    (SELECT COUNT(DISTINCT email) FROM present),
    (SELECT COALESCE(SUM(hours), 0) FROM present),
    (SELECT COUNT(*) FROM events_campaign WHERE starts_on <= %(last)s AND ends_on >= %(first)s),
    (SELECT COALESCE(SUM(people_reached), 0) FROM actions),
    (SELECT COALESCE(SUM(screenings_done), 0) FROM actions),
    (SELECT COALESCE(SUM(referrals_generated), 0) FROM actions),
    (SELECT COUNT(*) FROM sessions),
    (SELECT COALESCE(SUM(patients_count), 0) FROM sessions),
    (SELECT COUNT(*) FROM events_placement WHERE starts_on <= %(last)s AND ends_on >= %(first)s)
"""


TERRITORY_SQL = """
WITH territory AS (
    SELECT c.code FROM ess_commune c
    WHERE c.departement_id IN (SELECT departement_id FROM ess_team_departements)
)
SELECT
    (SELECT COUNT(*) FROM members_membership m
     JOIN members_specialtyheadcount h ON h.specialty_id = m.specialty_id
     WHERE m.practice_mode = 'liberal' AND m.joined_at < %(end)s
       AND ((m.status = 'active' AND m.ended_at IS NULL) OR m.ended_at >= %(end)s)),
    (SELECT COALESCE(SUM(territory_count), 0) FROM members_specialtyheadcount),
    (SELECT COUNT(*) FROM territory),
    (SELECT COUNT(DISTINCT p.commune_id) FROM referrals_referral r
     JOIN referrals_patient p ON p.id = r.patient_id
     WHERE r.submitted_at >= %(start)s AND r.submitted_at < %(end)s
       AND r.status <> 'unconfirmed' AND p.commune_id IN (SELECT code FROM territory))
"""


def _rate(numerator: int, denominator: int) -> dict:
    value = round(100 * numerator / denominator, 1) if denominator else None
    return {"value": value, "n": denominator, "count": numerator}


def _round(value) -> float | None:
    return round(value, 1) if value is not None else None


def raw_sql_figures(period, *, now: datetime | None = None) -> dict:
    """Every figure of `indicators_compute(period)` (unfiltered), by hand-written SQL."""
    params = {
        "start": period.start,
        "end": period.end,
        "first": period.first,
        "last": period.last,
        "now": now or timezone.now(),
    }
    params["today"] = timezone.localdate(params["now"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(COHORT_SQL, params)
        (
            received,
            triaged,
            responded,
            taken,
            declined,
            reoriented,
            expected,
            closed_loop,
            p1_base,
            p1_within,
            p2_base,
            p2_within,
            triage_median,
            triage_p90,
            response_median,
            response_p90,
            *by_channel,
        ) = cursor.fetchone()
        channels = {c: n for c, n in zip(CHANNELS, by_channel, strict=True) if n}
        cursor.execute(MODES_SQL, params)
        modes = dict(cursor.fetchall())
        cursor.execute(IMMEDIATE_SQL, params)
        asked, called_back, imm_expected, answered_15, escalated, cb_median, cb_p90 = (
            cursor.fetchone()
        )
        cursor.execute(MEMBERS_SQL, params)
        by_specialty = {(label or gettext("Sans spécialité")): n for label, n in cursor.fetchall()}
        cursor.execute(NETWORK_SQL, params)
        partners, in_force, signed = cursor.fetchone()
        cursor.execute(ADVANCED_SQL, params)
        sessions, seen, communes = cursor.fetchone()
        cursor.execute(PATHWAYS_SQL, params)
        (
            open_at_end,
            opened,
            tasks_known,
            on_time,
            alerts,
            answered,
            answer_median,
            meetings_held,
            cases,
        ) = cursor.fetchone()
        cursor.execute(EVENTS_SQL, params)
        (
            trainings,
            training_hours,
            trained,
            trainee_hours,
            campaigns,
            reached,
            screenings,
            referred,
            etp_sessions,
            etp_patients,
            residents,
        ) = cursor.fetchone()
        cursor.execute(TERRITORY_SQL, params)
        liberal, specialists, territory_communes, communes_reached = cursor.fetchone()
    members = sum(by_specialty.values())
    return {
        "requests_received": {"value": received, "n": received},
        "triage_median_hours": {"value": _round(triage_median), "n": triaged},
        "triage_p90_hours": {"value": _round(triage_p90), "n": triaged},
        "response_median_hours": {"value": _round(response_median), "n": responded},
        "response_p90_hours": {"value": _round(response_p90), "n": responded},
        "p1_within_due_pct": _rate(p1_within, p1_base),
        "p2_within_due_pct": _rate(p2_within, p2_base),
        "response_modes": {"value": modes, "n": sum(modes.values())},
        "requests_by_channel": {"value": channels, "n": sum(channels.values())},
        "acceptance_pct": _rate(taken, triaged),
        "decline_pct": _rate(declined, triaged),
        "reorientation_pct": _rate(reoriented, received),
        "closed_loop_pct": _rate(closed_loop, expected),
        "immediate_requests": {"value": asked, "n": asked},
        "immediate_callback_median_minutes": {"value": _round(cb_median), "n": called_back},
        "immediate_callback_p90_minutes": {"value": _round(cb_p90), "n": called_back},
        "immediate_answered_15min_pct": _rate(answered_15, imm_expected),
        "immediate_escalated_pct": _rate(escalated, asked),
        "active_members": {"value": members, "n": members},
        "members_by_specialty": {"value": by_specialty, "n": members},
        "partners": {"value": partners, "n": partners},
        "conventions_in_force": {"value": in_force, "n": in_force},
        "conventions_signed": {"value": signed, "n": signed},
        "sessions_held": {"value": sessions or 0, "n": seen or 0},
        "patients_seen": {"value": seen or 0, "n": seen or 0},
        "communes_served": {"value": communes or 0, "n": seen or 0},
        "pathways_open": {"value": open_at_end, "n": open_at_end},
        "pathways_opened": {"value": opened, "n": opened},
        "pathway_tasks_on_time": {"value": on_time, "n": on_time},
        "pathway_tasks_on_time_pct": _rate(on_time, tasks_known),
        "pathway_alerts": {"value": alerts, "n": alerts},
        "pathway_alert_answer_median_hours": {"value": _round(answer_median), "n": answered},
        "rcp_meetings_held": {"value": meetings_held, "n": meetings_held},
        "rcp_cases_discussed": {"value": cases, "n": cases},
        "trainings_held": {"value": trainings, "n": trainings},
        "professionals_trained": {"value": trained, "n": trained},
        "training_hours": {"value": float(training_hours), "n": trainings},
        "trainee_hours": {"value": float(trainee_hours), "n": trained},
        "campaigns_active": {"value": campaigns, "n": campaigns},
        "campaign_people_reached": {"value": reached, "n": reached},
        "campaign_screenings": {"value": screenings, "n": screenings},
        "campaign_referrals": {"value": referred, "n": referred},
        "etp_sessions_held": {"value": etp_sessions, "n": etp_sessions},
        "etp_patients": {"value": etp_patients, "n": etp_patients},
        "residents_hosted": {"value": residents, "n": residents},
        "liberal_members": {"value": liberal, "n": liberal},
        "representativeness_pct": _rate(liberal, specialists),
        "communes_reached": {"value": communes_reached, "n": communes_reached},
        "communes_reached_pct": _rate(communes_reached, territory_communes),
    }
