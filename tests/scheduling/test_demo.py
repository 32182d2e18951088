"""seed_demo adds the coordination's opening hours and summer closure, two sites in
under-served communes with a season of sessions, and referrals
waiting to be booked into them (idempotent)."""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from members.models import User
from referrals.booking import advanced_consultation_figures
from referrals.booking.selectors import sessions_for_referral
from referrals.demo.immediate import HISTORY_SHIFT_NOTE
from referrals.models import Referral, ResponseMode, Status
from scheduling.models import (
    Appointment,
    Closure,
    ConsultationSession,
    ConsultationSite,
    OnCallDuty,
    OnCallShift,
    OpeningRange,
)
from scheduling.selectors import on_call_at, on_call_gaps_to_come
from tests.shared_data import between_demo_seeds, reads_shared


@between_demo_seeds
def site_counts():
    return (
        ConsultationSite.objects.count(),
        ConsultationSession.objects.count(),
        OpeningRange.objects.count(),
        Closure.objects.count(),
    )


@reads_shared("demo", "demo_again")
def test_seed_demo_adds_two_sites_with_a_season_of_sessions(shared_data, settings):
    settings.ESS_DEMO = True
    # `manage.py seed_demo`, the counts taken, then `manage.py seed_demo` again (shared layers).
    counts = shared_data["demo_again"][site_counts]

    assert site_counts() == counts
    # The coordination's hours, Monday to Friday, and the summer closure to come.
    assert counts[2:] == (10, 1)
    assert Closure.objects.get().ends_on > timezone.localdate()
    sites = ConsultationSite.objects.order_by("name")
    assert [s.commune.name for s in sites] == ["Gien", "Pithiviers"]
    assert all(s.underserved for s in sites)
    now = timezone.now()
    sessions = ConsultationSession.objects.all()
    emails = set(sessions.filter(plan__protocol=None).values_list("specialist__email", flat=True))
    assert emails == {"cardiologue@demo.example.org", "cardiologue2@demo.example.org"}
    # The IPA's nurse-led consultation under the heart-failure protocol, Fridays at Pithiviers.
    nurse_led = sessions.exclude(plan__protocol=None)
    assert set(nurse_led.values_list("specialist__email", flat=True)) == {"ipa@demo.example.org"}
    assert nurse_led.filter(status="published", starts_at__gt=now).count() >= 10
    assert {s.site.commune.name for s in nurse_led} == {"Pithiviers"}
    assert not Appointment.objects.filter(session__in=nurse_led).exists()
    assert sessions.filter(ends_at__lt=now, status="published").count() >= 30
    future = sessions.filter(starts_at__gt=now, status="published")
    assert future.count() >= 20
    assert all(s.appointments.count() < s.capacity for s in future)
    held_with_patients = Appointment.objects.filter(session__ends_at__lt=now)
    assert held_with_patients.exists()
    assert {a.referral.status for a in held_with_patients} <= {"completed", "scheduled"}
    today = timezone.localdate()
    figures = advanced_consultation_figures(today.replace(year=today.year - 1), today)
    assert figures["sessions_held"] >= 30 and figures["communes_served"] == 2
    assert figures["patients_seen"] == held_with_patients.count()


@reads_shared("demo", "demo_again")
def test_seed_demo_leaves_referrals_to_book_near_the_demo_sites(shared_data, settings, client_for):
    settings.ESS_DEMO = True
    # `manage.py seed_demo` twice (shared layers).

    to_book = Referral.objects.filter(
        status=Status.TRIAGED,
        response_mode=ResponseMode.ADVANCED_CONSULTATION,
        consultation_appointment__isnull=True,
    ).select_related("patient__commune")
    assert {r.patient.commune.name for r in to_book} == {"Poilly-lez-Gien", "Pithiviers"}
    for referral in to_book:
        nearest = sessions_for_referral(referral)[0]
        assert nearest.site.commune.epci == referral.patient.commune.epci
        assert nearest.starts_at > timezone.now()
    coordinator = User.objects.get(email="coordination@demo.example.org")
    page = client_for(coordinator).get(reverse("referrals:detail", args=[to_book[0].public_id]))
    assert "Consultations avancées avec des places" in page.content.decode()
    assert 'name="session"' in page.content.decode()


def on_call_roster():
    # The roster's shifts: not those the immediate opinions of the demo year were asked in.
    return OnCallShift.objects.exclude(note=HISTORY_SHIFT_NOTE)


@between_demo_seeds
def roster_count():
    return on_call_roster().count()


@reads_shared("demo", "demo_again")
def test_seed_demo_adds_a_cardiology_roster_with_someone_on_call_and_a_gap(shared_data, settings):
    settings.ESS_DEMO = True
    # `manage.py seed_demo`, the roster counted, then `manage.py seed_demo` again (shared layers).
    shifts = shared_data["demo_again"][roster_count]

    assert on_call_roster().count() == shifts == 71
    duties = OnCallDuty.objects.filter(shift__status="published")
    emails = set(duties.values_list("specialist__email", flat=True))
    assert emails == {"cardiologue@demo.example.org", "cardiologue2@demo.example.org"}
    assert duties.filter(shift__ends_at__lt=timezone.now()).exists()
    # Every weekday half-day to come has someone on call: the immediate opinion can be tried.
    cardiology = OnCallShift.objects.first().specialty
    next_weekday = timezone.localdate() + timedelta(days=1)
    while next_weekday.weekday() > 4:
        next_weekday += timedelta(days=1)
    ten_o_clock = timezone.make_aware(datetime.combine(next_weekday, time(10)))
    assert len(on_call_at(cardiology.pk, ten_o_clock)) == 1
    gaps = list(on_call_gaps_to_come())
    assert [g.note for g in gaps] == ["Samedi matin : à pourvoir"]
