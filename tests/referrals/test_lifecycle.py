"""Every transition from every state, by the right actor and by the wrong ones."""

import html
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from referrals import services
from referrals.models import Referral, ReferralEvent, TeleexpertiseAct
from scheduling.models import Absence
from tests.conftest import signed_in
from tests.factories import ConsultationSessionFactory, ConsultationSiteFactory, ReferralFactory


@pytest.fixture
def cast(
    db, requester, coordinator, specialist, other_specialist, manager, authority, other_requester
):
    return {
        "requester": requester,
        "coordinator": coordinator,
        "specialist": specialist,
        "other_specialist": other_specialist,
        "manager": manager,
        "authority": authority,
        "other_requester": other_requester,
    }


def bring_to(state: str, cast) -> Referral:
    """Reach `state` through the services, as the users would."""
    referral = ReferralFactory(requester=cast["requester"])
    rid = referral.pk
    coordinator, specialist = cast["coordinator"], cast["specialist"]
    if state == "info_requested":
        services.referral_request_info(referral_id=rid, by=coordinator, question="ECG ?")
    if state in ("triaged", "accepted", "scheduled", "completed"):
        services.referral_triage(
            referral_id=rid,
            by=coordinator,
            priority="P2",
            response_mode="urgent_consultation",
            specialist=specialist,
        )
    if state in ("accepted", "scheduled", "completed"):
        services.referral_accept(referral_id=rid, by=specialist)
    if state in ("scheduled", "completed"):
        services.referral_schedule(
            referral_id=rid,
            by=specialist,
            starts_at=timezone.now() + timedelta(days=1),
            location="Cabinet, Orléans",
        )
    if state == "completed":
        services.referral_complete(referral_id=rid, by=specialist, answer="Holter normal.")
    if state == "reoriented":
        services.referral_reorient(referral_id=rid, by=coordinator, target="CHR", reason="STEMI")
    if state == "cancelled":
        services.referral_cancel(referral_id=rid, by=cast["requester"], reason="Vu aux urgences")
    referral.refresh_from_db()
    assert referral.status == state
    return referral


ACTIONS = {
    "triage": (
        "coordinator",
        lambda r, u, c: services.referral_triage(
            referral_id=r.pk, by=u, priority="P3", response_mode="teleexpertise_async"
        ),
    ),
    "request_info": (
        "coordinator",
        lambda r, u, c: services.referral_request_info(
            referral_id=r.pk, by=u, question="Dernier bilan ?"
        ),
    ),
    "provide_info": (
        "requester",
        lambda r, u, c: services.referral_provide_info(referral_id=r.pk, by=u, answer="Joint."),
    ),
    "accept": ("specialist", lambda r, u, c: services.referral_accept(referral_id=r.pk, by=u)),
    "decline": (
        "specialist",
        lambda r, u, c: services.referral_decline(referral_id=r.pk, by=u, reason="Absent"),
    ),
    "schedule": (
        "specialist",
        lambda r, u, c: services.referral_schedule(
            referral_id=r.pk, by=u, starts_at=timezone.now() + timedelta(days=3), location="Gien"
        ),
    ),
    "complete": (
        "specialist",
        lambda r, u, c: services.referral_complete(referral_id=r.pk, by=u, answer="Avis rendu."),
    ),
    "reorient": (
        "coordinator",
        lambda r, u, c: services.referral_reorient(
            referral_id=r.pk, by=u, target="CHU de Tours", reason="Centre de référence"
        ),
    ),
    "cancel": (
        "requester",
        lambda r, u, c: services.referral_cancel(referral_id=r.pk, by=u, reason="Plus nécessaire"),
    ),
}
STATES = [
    "submitted",
    "info_requested",
    "triaged",
    "accepted",
    "scheduled",
    "completed",
    "reoriented",
    "cancelled",
]
# action → {state: resulting status}; any state not listed must be refused.
LEGAL = {
    "triage": {"submitted": "triaged", "triaged": "triaged"},
    "request_info": {
        "submitted": "info_requested",
        "triaged": "info_requested",
        "info_requested": "info_requested",
    },
    "provide_info": {"info_requested": "submitted"},
    "accept": {"triaged": "accepted", "accepted": "accepted", "scheduled": "scheduled"},
    # An appointment can be given back, cancelled or reoriented (its place is freed).
    "decline": {"triaged": "triaged", "accepted": "triaged", "scheduled": "triaged"},
    "schedule": {"accepted": "scheduled", "scheduled": "scheduled"},
    "complete": {"accepted": "completed", "scheduled": "completed", "completed": "completed"},
    "reorient": {
        "submitted": "reoriented",
        "info_requested": "reoriented",
        "triaged": "reoriented",
        "scheduled": "reoriented",
        "reoriented": "reoriented",
    },
    "cancel": {
        "submitted": "cancelled",
        "info_requested": "cancelled",
        "triaged": "cancelled",
        "scheduled": "cancelled",
        "cancelled": "cancelled",
    },
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_from_each_state_by_its_actor(cast, action, state):
    referral = bring_to(state, cast)
    role, call = ACTIONS[action]
    before = referral.events.count()

    if state in LEGAL[action]:
        call(referral, cast[role], cast)
        referral.refresh_from_db()
        assert referral.status == LEGAL[action][state]
    else:
        with pytest.raises((TransitionNotAllowed, PermissionDenied)):
            call(referral, cast[role], cast)
        referral.refresh_from_db()
        assert referral.status == state
        assert referral.events.count() == before


WRONG_ACTORS = {
    "triage": ["requester", "specialist", "manager", "authority"],
    "request_info": ["requester", "specialist", "other_specialist", "authority"],
    "accept": ["requester", "coordinator", "other_specialist", "authority"],
    "decline": ["requester", "coordinator", "other_specialist"],
    "reorient": ["requester", "specialist", "authority"],
    "cancel": ["other_requester", "coordinator", "specialist", "authority"],
}
START = {
    "triage": "submitted",
    "request_info": "triaged",
    "accept": "triaged",
    "decline": "triaged",
    "reorient": "submitted",
    "cancel": "submitted",
}


@pytest.mark.parametrize(
    ("action", "persona"), [(a, p) for a, ps in WRONG_ACTORS.items() for p in ps]
)
def test_the_wrong_actor_is_refused_and_nothing_changes(cast, action, persona):
    referral = bring_to(START[action], cast)
    _, call = ACTIONS[action]

    with pytest.raises(PermissionDenied):
        call(referral, cast[persona], cast)
    referral.refresh_from_db()
    assert referral.status == START[action]


@pytest.mark.parametrize("action", ["schedule", "complete"])
def test_only_the_specialist_holding_the_case_schedules_or_answers(cast, action):
    referral = bring_to("accepted", cast)
    _, call = ACTIONS[action]

    for persona in ("other_specialist", "coordinator", "requester"):
        with pytest.raises(PermissionDenied):
            call(referral, cast[persona], cast)


def test_every_transition_is_an_event_with_who_when_from_to(cast):
    referral = bring_to("completed", cast)

    events = list(
        referral.events.order_by("at", "pk").values_list("from_status", "to_status", "actor")
    )
    assert events == [
        ("", "submitted", cast["requester"].pk),
        ("submitted", "triaged", cast["coordinator"].pk),
        ("triaged", "accepted", cast["specialist"].pk),
        ("accepted", "scheduled", cast["specialist"].pk),
        ("scheduled", "completed", cast["specialist"].pk),
    ]


def test_triage_sets_due_time_from_priority(cast, settings):
    referral = bring_to("submitted", cast)

    for priority, hours in (("P1", 24), ("P2", 48), ("P3", 168), ("P4", 720)):
        services.referral_triage(
            referral_id=referral.pk,
            by=cast["coordinator"],
            priority=priority,
            response_mode="teleexpertise_async",
        )
        referral.refresh_from_db()
        assert referral.due_at == referral.submitted_at + timedelta(hours=hours)
    settings.ESS_PRIORITY_DELAYS_HOURS = {**settings.ESS_PRIORITY_DELAYS_HOURS, "P1": 12}
    services.referral_triage(
        referral_id=referral.pk,
        by=cast["coordinator"],
        priority="P1",
        response_mode="urgent_consultation",
    )
    referral.refresh_from_db()
    assert referral.due_at == referral.submitted_at + timedelta(hours=12)


def test_triage_to_a_specialist_of_another_specialty_is_refused(cast, db):
    from tests.factories import UserFactory

    referral = bring_to("submitted", cast)
    stranger = UserFactory(roles=["specialist"])

    with pytest.raises(ValidationError):
        services.referral_triage(
            referral_id=referral.pk,
            by=cast["coordinator"],
            priority="P2",
            response_mode="teleexpertise_async",
            specialist=stranger,
        )
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_a_stale_triage_form_is_refused(cast):
    referral = bring_to("submitted", cast)
    shown = referral.updated_at
    services.referral_triage(
        referral_id=referral.pk,
        by=cast["coordinator"],
        priority="P2",
        response_mode="teleexpertise_async",
    )

    with pytest.raises(TransitionNotAllowed, match="modifiée entre-temps"):
        services.referral_triage(
            referral_id=referral.pk,
            by=cast["coordinator"],
            priority="P4",
            response_mode="teleexpertise_async",
            expected_version=shown,
        )
    referral.refresh_from_db()
    assert referral.priority == "P2"


def test_the_same_triage_sent_again_writes_and_notifies_nothing(cast):
    referral = bring_to("submitted", cast)
    triage = {
        "referral_id": referral.pk,
        "by": cast["coordinator"],
        "priority": "P1",
        "response_mode": "teleexpertise_async",
        "specialist": cast["specialist"],
        "note": "Urgent : FA rapide",
    }
    services.referral_triage(**triage)
    events, notified = referral.events.count(), cast["specialist"].notifications.count()

    services.referral_triage(**triage)  # the browser's Back, then the same form again

    assert referral.events.count() == events
    assert cast["specialist"].notifications.count() == notified
    # Another note, or the pool instead of the specialist, is a new triage.
    services.referral_triage(**{**triage, "note": "Rappeler le médecin"})
    services.referral_triage(**{**triage, "note": "Rappeler le médecin", "specialist": None})
    assert referral.events.filter(to_status="triaged").count() == 3


def test_a_decline_needs_a_reason_and_returns_the_case_to_the_queue(cast):
    referral = bring_to("triaged", cast)

    with pytest.raises(ValidationError):
        services.referral_decline(referral_id=referral.pk, by=cast["specialist"], reason=" ")
    services.referral_decline(
        referral_id=referral.pk, by=cast["specialist"], reason="En congés cette semaine"
    )

    referral.refresh_from_db()
    assert (referral.status, referral.offered_to, referral.offered_to_pool) == (
        "triaged",
        None,
        False,
    )
    assert referral.last_declined_at is not None
    event = referral.events.latest("pk")
    assert (event.kind, event.internal, event.note) == ("decline", True, "En congés cette semaine")


def test_a_teleexpertise_answer_completes_and_records_the_act(cast):
    referral = bring_to("submitted", cast)
    services.referral_triage(
        referral_id=referral.pk,
        by=cast["coordinator"],
        priority="P3",
        response_mode="teleexpertise_async",
        specialist=cast["specialist"],
    )
    services.referral_accept(referral_id=referral.pk, by=cast["specialist"])

    services.referral_complete(
        referral_id=referral.pk,
        by=cast["specialist"],
        answer="Extrasystoles bénignes.",
        recommended_actions="Rassurer.",
    )

    referral.refresh_from_db()
    assert referral.status == "completed"
    act = TeleexpertiseAct.objects.get(referral=referral)
    assert (act.requesting, act.answering, act.requesting_code, act.answering_code) == (
        cast["requester"],
        cast["specialist"],
        "RQD",
        "TE2",
    )
    staff = Client()
    signed_in(staff, cast["coordinator"])
    page = staff.get(reverse("referrals:detail", args=[referral.public_id])).text
    assert "Acte de télé-expertise du" in page
    assert "(TE2)" in page


def test_a_teleexpertise_needing_a_consultation_goes_on_to_scheduling(cast):
    referral = bring_to("submitted", cast)
    services.referral_triage(
        referral_id=referral.pk,
        by=cast["coordinator"],
        priority="P3",
        response_mode="teleexpertise_async",
        specialist=cast["specialist"],
    )
    services.referral_accept(referral_id=referral.pk, by=cast["specialist"])

    services.referral_complete(
        referral_id=referral.pk,
        by=cast["specialist"],
        answer="Souffle à explorer.",
        consultation_needed=True,
    )
    referral.refresh_from_db()
    assert (referral.status, referral.answer) == ("accepted", "Souffle à explorer.")

    services.referral_schedule(
        referral_id=referral.pk,
        by=cast["specialist"],
        starts_at=timezone.now() + timedelta(days=2),
        location="Orléans",
    )
    services.referral_complete(
        referral_id=referral.pk, by=cast["specialist"], answer="Échographie : RM minime."
    )
    referral.refresh_from_db()
    assert referral.status == "completed"
    assert Referral.objects.count() == 1  # the requester never had to submit again


def test_internal_notes_and_declines_never_reach_the_requester(cast, client_for, api_client):
    referral = bring_to("triaged", cast)
    services.referral_add_note(
        referral_id=referral.pk,
        by=cast["coordinator"],
        note="Patient connu du Dr X, rappeler la fille",
    )
    services.referral_decline(
        referral_id=referral.pk, by=cast["specialist"], reason="Conflit d'intérêts familial"
    )
    from django.urls import reverse

    page = (
        client_for(cast["requester"])
        .get(reverse("referrals:detail", args=[referral.public_id]))
        .text
    )
    api_client.force_authenticate(cast["requester"])
    data = api_client.get(f"/api/v1/referrals/{referral.public_id}/").json()

    for secret in ("rappeler la fille", "Conflit d"):
        assert secret not in page
        assert secret not in str(data)
    staff_page = (
        client_for(cast["coordinator"])
        .get(reverse("referrals:detail", args=[referral.public_id]))
        .text
    )
    assert "rappeler la fille" in staff_page
    assert ReferralEvent.objects.filter(internal=True).count() == 2


def test_feedback_after_completion(cast):
    referral = bring_to("triaged", cast)
    with pytest.raises(TransitionNotAllowed):
        services.referral_feedback(
            referral_id=referral.pk, by=cast["requester"], useful=True, avoided_visit=True
        )
    referral = bring_to("completed", cast)

    services.referral_feedback(
        referral_id=referral.pk, by=cast["requester"], useful=True, avoided_visit=False
    )

    referral.refresh_from_db()
    assert (referral.feedback_useful, referral.feedback_avoided_visit) == (True, False)


def test_the_opinion_stops_the_sla_clock_while_the_consultation_is_set(cast):
    referral = bring_to("accepted", cast)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(hours=1))
    referral.refresh_from_db()
    assert referral.is_overdue

    services.referral_complete(
        referral_id=referral.pk,
        by=cast["specialist"],
        answer="Avis : échographie nécessaire.",
        consultation_needed=True,
    )

    referral.refresh_from_db()
    assert referral.answered_at is not None
    assert not referral.is_overdue
    assert referral.events.latest("pk").kind == "answer"


def test_accepting_clears_the_offer(cast):
    referral = bring_to("triaged", cast)

    services.referral_accept(referral_id=referral.pk, by=cast["specialist"])

    referral.refresh_from_db()
    assert (referral.offered_to, referral.offered_to_pool) == (None, False)


def test_the_specialist_seeing_the_patient_records_the_identity_check(cast, client_for):
    from django.urls import reverse

    referral = bring_to("scheduled", cast)  # an urgent consultation: the patient comes
    url = reverse("referrals:detail", args=[referral.public_id])
    specialist = client_for(cast["specialist"])
    identity_url = reverse("referrals:identity", args=[referral.public_id])
    assert f'action="{identity_url}"' in specialist.get(url).text

    response = specialist.post(
        reverse("referrals:identity", args=[referral.public_id]),
        {"document": "passeport"},
        follow=True,
    )

    referral.patient.refresh_from_db()
    assert referral.patient.identity_status == "validee"
    assert referral.patient.identity_checked_by == cast["specialist"]
    assert "Identité du patient enregistrée" in response.text


def test_the_coordinator_who_never_sees_the_patient_is_not_asked_for_an_identity_document(
    cast, client_for
):
    from django.urls import reverse

    referral = bring_to("submitted", cast)
    page = client_for(cast["coordinator"]).get(
        reverse("referrals:detail", args=[referral.public_id])
    )

    assert "Pièce d&#x27;identité présentée" not in page.text
    assert reverse("referrals:identity", args=[referral.public_id]) not in page.text
    with pytest.raises(PermissionDenied):
        services.patient_identity_validate(
            referral_id=referral.pk, by=cast["coordinator"], document="cni"
        )


def test_no_identity_document_is_asked_on_an_asynchronous_opinion(cast, client_for):
    from django.urls import reverse

    referral = ReferralFactory(
        requester=cast["requester"],
        triaged=True,
        offered_to_pool=False,
        offered_to=cast["specialist"],
    )
    services.referral_accept(referral_id=referral.pk, by=cast["specialist"])

    page = client_for(cast["specialist"]).get(
        reverse("referrals:detail", args=[referral.public_id])
    )

    assert page.status_code == 200
    assert reverse("referrals:identity", args=[referral.public_id]) not in page.text


def test_a_specialist_who_declines_on_the_page_lands_on_their_inbox(
    client_for, specialist, requester
):
    referral = ReferralFactory(
        requester=requester, triaged=True, offered_to_pool=False, offered_to=specialist
    )

    response = client_for(specialist).post(
        reverse("referrals:decline", args=[referral.public_id]),
        {"reason": "En congés cette semaine"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("referrals:inbox"), 302)]
    assert response.status_code == 200
    assert "Demande refusée : elle retourne à la coordination." in response.text


@pytest.mark.parametrize(
    "when, message",
    [
        (-timedelta(days=30), "Le rendez-vous doit être à venir"),
        (-timedelta(minutes=1), "Le rendez-vous doit être à venir"),
        (timedelta(days=400), "dans l'année qui vient"),
    ],
)
def test_an_appointment_in_the_past_or_years_ahead_is_refused_and_changes_nothing(
    cast, client_for, when, message
):
    referral = bring_to("accepted", cast)
    starts = timezone.localtime(timezone.now() + when)

    response = client_for(cast["specialist"]).post(
        reverse("referrals:schedule", args=[referral.public_id]),
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "location": "Cabinet, Orléans",
            "version": referral.updated_at.isoformat(),
        },
        follow=True,
    )

    assert message in html.unescape(response.text)
    referral.refresh_from_db()
    assert (referral.status, referral.appointment_at) == ("accepted", None)
    assert not referral.events.filter(to_status="scheduled").exists()


def test_an_appointment_the_day_after_is_set(cast, client_for):
    referral = bring_to("accepted", cast)
    starts = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)

    client_for(cast["specialist"]).post(
        reverse("referrals:schedule", args=[referral.public_id]),
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "location": "Cabinet, Orléans",
            "version": referral.updated_at.isoformat(),
        },
    )

    referral.refresh_from_db()
    assert (referral.status, referral.appointment_at) == ("scheduled", starts)


def test_an_appointment_while_the_specialist_is_elsewhere_is_refused(cast):
    referral = bring_to("accepted", cast)
    specialist = cast["specialist"]
    session = ConsultationSessionFactory(
        specialist=specialist, site=ConsultationSiteFactory(name="Gien")
    )
    away = timezone.localdate() + timedelta(days=10)
    Absence.objects.create(specialist=specialist, starts_on=away, ends_on=away)

    def schedule(starts_at):
        return services.referral_schedule(
            referral_id=referral.pk, by=specialist, starts_at=starts_at, location="Cabinet"
        )

    with pytest.raises(ValidationError, match="déjà en consultation avancée à Gien"):
        schedule(session.starts_at + timedelta(minutes=30))
    with pytest.raises(ValidationError, match="absent ce jour-là"):
        schedule(timezone.make_aware(datetime.combine(away, time(10))))
    referral.refresh_from_db()
    assert (referral.status, referral.appointment_at) == ("accepted", None)

    schedule(session.ends_at + timedelta(hours=1))  # once back from Gien

    referral.refresh_from_db()
    assert referral.status == "scheduled"
