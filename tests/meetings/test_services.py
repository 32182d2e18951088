"""The télé-RCP services: who organises, who may be invited, which cases go on the agenda, and
the meeting's course (held, cancelled). Every refusal writes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from ess.errors import Conflict, TransitionNotAllowed
from ess.models import Notification, OutboundEmail
from meetings import services
from meetings.models import CaseMeeting, MeetingCase, MeetingParticipant
from tests.factories import ContactFactory, MembershipFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- Organising -----------------------------------------------------------------------------
def test_a_specialist_plans_a_meeting_and_is_its_first_participant(scene):
    meeting = scene.meeting()

    assert meeting.status == "planned"
    assert meeting.organiser == scene.organiser
    assert list(meeting.participants.values_list("user", flat=True)) == [scene.organiser.pk]


def test_a_coordinator_plans_a_meeting_on_a_theme(coordinator):
    meeting = services.meeting_create(
        by=coordinator,
        title="RCP sorties d'hospitalisation",
        theme="Sortie d'hospitalisation",
        starts_at=timezone.now() + timedelta(days=7),
    )

    assert meeting.theme == "Sortie d'hospitalisation"


@pytest.mark.parametrize("persona", ["requester", "paramedic", "manager", "authority"])
def test_others_cannot_organise_a_meeting(persona, request):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.meeting_create(
            by=user, title="RCP", theme="Thème", starts_at=timezone.now() + timedelta(days=1)
        )

    assert not CaseMeeting.objects.exists()


def test_a_meeting_needs_a_specialty_or_a_theme(scene):
    with pytest.raises(ValidationError) as refused:
        scene.meeting(specialty=None, theme="  ")

    assert "Choisissez une spécialité ou indiquez un thème." in refused.value.messages
    assert not CaseMeeting.objects.exists()


def test_a_new_date_is_told_to_the_participants(scene, paramedic):
    meeting = scene.meeting()
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=paramedic)

    services.meeting_update(
        meeting_id=meeting.pk,
        by=scene.organiser,
        title=meeting.title,
        starts_at=meeting.starts_at + timedelta(days=1),
        specialty=meeting.specialty,
        video_url=meeting.video_url,
    )

    titles = Notification.objects.filter(recipient=paramedic).values_list("title", flat=True)
    assert sorted(titles) == [
        "Invitation à la télé-RCP : RCP insuffisance cardiaque",
        "Télé-RCP modifiée : RCP insuffisance cardiaque",
    ]


# --- Participants ---------------------------------------------------------------------------
def test_a_member_of_the_ess_is_invited_and_notified(scene):
    member = MembershipFactory(active=True).user
    meeting = scene.meeting()

    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=member)

    assert meeting.participants.filter(user=member).exists()
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == "case_meeting"
    assert notification.url == f"/rcp/{meeting.public_id}/"


def test_a_gp_with_an_active_membership_may_take_part(scene):
    gp = UserFactory(requester=True)
    MembershipFactory(user=gp, status="active")
    meeting = scene.meeting()

    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=gp)

    assert meeting.participants.filter(user=gp).exists()


@pytest.mark.parametrize("who", ["requester", "authority", "lapsed_member"])
def test_someone_outside_the_ess_is_refused_with_a_french_message(scene, who, request):
    if who == "lapsed_member":
        user = UserFactory(requester=True)
        MembershipFactory(user=user, status="suspended")
    else:
        user = request.getfixturevalue(who)
    meeting = scene.meeting()

    with pytest.raises(ValidationError) as refused:
        services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=user)

    assert "n'est pas membre de l'ESS" in refused.value.messages[0]
    assert not meeting.participants.filter(user=user).exists()
    assert not Notification.objects.filter(recipient=user).exists()


def test_a_partners_professional_is_invited_through_their_contact_by_email(scene):
    contact = ContactFactory(name="Dr Claire Martin")
    meeting = scene.meeting()

    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, contact=contact)

    assert meeting.participants.filter(contact=contact).exists()
    email = OutboundEmail.objects.get(to=contact.email)
    assert email.subject == "[ESS] Invitation à la télé-RCP : RCP insuffisance cardiaque"
    assert "https://visio.exemple.fr/rcp-ic" in email.body_text
    assert "Aucune donnée de santé" in email.body_text


def test_no_patient_data_reaches_an_invited_contact(scene):
    meeting, *_ = scene.held_meeting_with_cases()
    # Planned again for the invitation: held meetings take nobody new.
    CaseMeeting.objects.filter(pk=meeting.pk).update(status="planned")
    # Names no patient of the scene bears: the email greets the contact by name.
    contact = ContactFactory(name="Dr Zoé Invitée", email="invitee@partner.example.org")
    patient = scene.referral.patient
    patient.birth_name, patient.first_names = "Quentinois", "Aurélien"
    patient.save(update_fields=["birth_name", "first_names"])

    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, contact=contact)

    body = OutboundEmail.objects.get(to=contact.email).body_text
    for trait in (patient.birth_name, patient.first_names, scene.referral.reference, "ARNI"):
        assert trait.lower() not in body.lower()


def test_a_contact_without_an_address_is_refused(scene):
    contact = ContactFactory(email="")
    meeting = scene.meeting()

    with pytest.raises(ValidationError) as refused:
        services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, contact=contact)

    assert "n'a pas d'adresse électronique" in refused.value.messages[0]
    assert not MeetingParticipant.objects.filter(contact=contact).exists()


def test_inviting_twice_invites_once(scene, paramedic):
    meeting = scene.meeting()

    for _ in range(2):
        services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=paramedic)

    assert meeting.participants.filter(user=paramedic).count() == 1
    assert Notification.objects.filter(recipient=paramedic).count() == 1


def test_a_participant_who_does_not_organise_cannot_invite(scene, paramedic, other_specialist):
    meeting = scene.meeting()
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=paramedic)

    with pytest.raises(PermissionDenied):
        services.meeting_participant_add(meeting_id=meeting.pk, by=paramedic, user=other_specialist)


# --- Cases on the agenda --------------------------------------------------------------------
def test_cases_go_on_the_agenda_from_a_referral_and_from_a_pathway(scene):
    meeting = scene.meeting()

    first = services.meeting_case_add(
        meeting_id=meeting.pk,
        by=scene.organiser,
        question="ARNI ?",
        referral_public_id=scene.referral.public_id,
    )
    second = services.meeting_case_add(
        meeting_id=meeting.pk,
        by=scene.organiser,
        question="Titration ?",
        pathway_public_id=scene.pathway.public_id,
    )

    assert [c.pk for c in meeting.cases.all()] == [first.pk, second.pk]
    assert (first.position, second.position) == (1, 2)
    assert first.presented_by == scene.organiser


def test_a_case_the_adder_cannot_see_is_not_found(scene, other_specialist):
    meeting = scene.meeting()
    services.meeting_participant_add(
        meeting_id=meeting.pk, by=scene.organiser, user=other_specialist
    )
    stranger_referral = ReferralFactory()

    for source in (
        {"referral_public_id": scene.referral.public_id},
        {"referral_public_id": stranger_referral.public_id},
        {"pathway_public_id": scene.pathway.public_id},
    ):
        with pytest.raises(Http404):
            services.meeting_case_add(
                meeting_id=meeting.pk, by=other_specialist, question="Avis ?", **source
            )

    assert not MeetingCase.objects.exists()


def test_someone_outside_the_meeting_cannot_put_a_case_on_it(scene, coordinator, specialist):
    meeting = scene.meeting()
    referral = ReferralFactory(triaged=True, specialist=specialist, status="accepted")

    with pytest.raises(PermissionDenied):
        services.meeting_case_add(
            meeting_id=meeting.pk,
            by=specialist,
            question="Avis ?",
            referral_public_id=referral.public_id,
        )

    assert not MeetingCase.objects.exists()


def test_the_same_case_sent_twice_is_on_the_agenda_once(scene):
    meeting = scene.meeting()

    for _ in range(2):
        services.meeting_case_add(
            meeting_id=meeting.pk,
            by=scene.organiser,
            question="ARNI ?",
            referral_public_id=scene.referral.public_id,
        )

    assert meeting.cases.count() == 1


def test_a_case_needs_its_question(scene):
    meeting = scene.meeting()

    with pytest.raises(ValidationError) as refused:
        services.meeting_case_add(
            meeting_id=meeting.pk,
            by=scene.organiser,
            question=" ",
            referral_public_id=scene.referral.public_id,
        )

    assert refused.value.messages == ["Indiquez la question posée à la RCP."]
    assert not MeetingCase.objects.exists()


# --- The meeting's course -------------------------------------------------------------------
def test_a_meeting_is_held_once_it_has_begun(scene):
    later = scene.meeting()
    now = scene.meeting(starts_at=timezone.now() - timedelta(minutes=5))

    with pytest.raises(Conflict):
        services.meeting_hold(meeting_id=later.pk, by=scene.organiser)
    services.meeting_hold(meeting_id=now.pk, by=scene.organiser)
    services.meeting_hold(meeting_id=now.pk, by=scene.organiser)

    later.refresh_from_db()
    now.refresh_from_db()
    assert later.status == "planned"
    assert now.status == "held"
    assert now.held_at is not None


def test_cancelling_needs_a_reason_and_tells_the_participants(scene, paramedic):
    meeting = scene.meeting()
    contact = ContactFactory()
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=paramedic)
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, contact=contact)

    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting_id=meeting.pk, by=scene.organiser, reason="")
    services.meeting_cancel(meeting_id=meeting.pk, by=scene.organiser, reason="Congrès")
    services.meeting_cancel(meeting_id=meeting.pk, by=scene.organiser, reason="Congrès")

    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "Congrès")
    assert Notification.objects.filter(recipient=paramedic, title__startswith="Télé-RCP annulée")
    assert OutboundEmail.objects.filter(to=contact.email).count() == 2  # invited, cancelled


def test_a_held_meeting_cannot_be_cancelled(scene):
    meeting = scene.meeting(starts_at=timezone.now() - timedelta(hours=1))
    services.meeting_hold(meeting_id=meeting.pk, by=scene.organiser)

    with pytest.raises(TransitionNotAllowed):
        services.meeting_cancel(meeting_id=meeting.pk, by=scene.organiser, reason="Erreur")


def test_attendance_is_recorded_for_each_participant(scene, paramedic):
    meeting = scene.meeting(starts_at=timezone.now() - timedelta(hours=1))
    absent = services.meeting_participant_add(
        meeting_id=meeting.pk, by=scene.organiser, user=paramedic
    )
    present = meeting.participants.get(user=scene.organiser)

    services.meeting_attendance_record(
        meeting_id=meeting.pk, by=scene.organiser, present=[present.pk]
    )

    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.attended, absent.attended) == (True, False)


def test_a_participant_who_does_not_organise_cannot_hold_or_cancel(scene, paramedic):
    meeting = scene.meeting(starts_at=timezone.now() - timedelta(hours=1))
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=paramedic)

    with pytest.raises(PermissionDenied):
        services.meeting_hold(meeting_id=meeting.pk, by=paramedic)
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(meeting_id=meeting.pk, by=paramedic, reason="Non")
