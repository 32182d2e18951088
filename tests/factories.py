"""factory_boy factories with traits per role."""

from datetime import date, time, timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.utils import timezone
from faker import Faker

from ess.models import Specialty, Team
from ess.roles import MFA_REQUIRED_ROLES, Role
from members.models import Organisation, OrganisationKind, Profession, RoleGrant, User
from partners.models import ConventionKind, PartnerType
from pathways.models import CircleMember
from scheduling import services as scheduling_services

PASSWORD = "un-mot-de-passe-solide-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Cabinet médical n°{n}")
    kind = OrganisationKind.PRACTICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pro{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    profession = Profession.PHYSICIAN
    password = factory.django.Password(PASSWORD)

    class Params:
        requester = factory.Trait(
            roles=[Role.REQUESTER], organisation=factory.SubFactory(OrganisationFactory)
        )
        coordinator = factory.Trait(roles=[Role.COORDINATOR], profession=Profession.COORDINATOR)
        specialist = factory.Trait(
            roles=[Role.SPECIALIST],
            specialty=factory.LazyFunction(
                lambda: Specialty.objects.get_or_create(
                    code="cardiologie", defaults={"label": "Cardiologie"}
                )[0]
            ),
        )
        paramedic = factory.Trait(roles=[Role.PARAMEDIC], profession=Profession.ADVANCED_NURSE)
        manager = factory.Trait(roles=[Role.MANAGER])
        # An ARS account unless said otherwise (institution="cpam").
        authority = factory.Trait(
            roles=[Role.AUTHORITY], profession=Profession.ADMINISTRATIVE, institution="ars"
        )
        # Demo accounts sign in without a second factor on a demo instance (ess/mfa.py).
        demo = factory.Trait(
            is_demo=True,
            password=factory.django.Password(settings.ESS_DEMO_PASSWORD),
            totp=False,
        )
        # A staff account that has not enrolled its second factor yet.
        without_mfa = factory.Trait(totp=False)

    # Not a model field: popped in _create and written as RoleGrant rows.
    roles: tuple = ()

    @classmethod
    def _create(cls, model_class, *args, roles=(), **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
        return user

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Staff roles and admin access need a second factor (ess/mfa.py): they get an
        enrolled TOTP unless `without_mfa` (or `totp=False`). The secret stays on the instance
        (`totp_secret`) for tests that type a code; `totp_code(user)` computes the current one."""
        self.totp_secret = None
        if not create or extracted is False:
            return
        # Not `self.roles`: caching it here would hide roles a test grants later.
        if self.is_staff or self.role_grants.filter(role__in=MFA_REQUIRED_ROLES).exists():
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)


def current_totp_code(secret: str) -> str:
    """The code an authenticator app holding `secret` shows now."""
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def totp_code(user) -> str:
    """The code the factory-made user's authenticator app shows now."""
    return current_totp_code(user.totp_secret)


# ---------------------------------------------------------------------------------------------
# Referrals
# ---------------------------------------------------------------------------------------------
def valid_nir(first13: str) -> str:
    """A NIR with its correct key, for test data (Corsica: 2A/2B count as 19/18)."""
    number = int(first13.replace("2A", "19").replace("2B", "18"))
    return f"{first13}{97 - number % 97:02d}"


_fr = Faker("fr_FR")


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.Patient"

    # In capitals, as the INS traits are written: a test asserting that a page hides the patient
    # cannot be fooled by a user whose name, drawn from the same pool, is written "Boyer".
    birth_name = factory.LazyFunction(lambda: _fr.last_name().upper())
    first_names = factory.LazyFunction(lambda: _fr.first_name().upper())
    sex = "F"
    birth_date = factory.Faker("date_of_birth", minimum_age=20, maximum_age=90)
    birth_place_code = "45234"
    commune_id = "45234"


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral in a given state, written directly (setup only: tests of transitions go
    through the services)."""

    class Meta:
        model = "referrals.Referral"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"ESS-2026-{900000 + n:06d}")
    patient = factory.SubFactory(PatientFactory)
    requester = factory.SubFactory(UserFactory, requester=True)
    requester_organisation = factory.SelfAttribute("requester.organisation")
    specialty = factory.LazyFunction(
        lambda: Specialty.objects.get_or_create(
            code="cardiologie", defaults={"label": "Cardiologie"}
        )[0]
    )
    submitted_at = factory.LazyFunction(timezone.now)
    question = "Avis sur des palpitations."
    urgency_requested = "P3"
    consent = True

    class Params:
        triaged = factory.Trait(
            status="triaged",
            priority="P2",
            response_mode="teleexpertise_async",
            offered_to_pool=True,
            triaged_at=factory.LazyFunction(timezone.now),
            due_at=factory.LazyAttribute(lambda o: o.submitted_at + timedelta(hours=48)),
        )

    @factory.post_generation
    def submitted_event(self, create, extracted, **kwargs):
        if create:
            self.events.create(actor=self.requester, to_status="submitted", at=self.submitted_at)


# ---------------------------------------------------------------------------------------------
# Partners and conventions
# ---------------------------------------------------------------------------------------------
class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.Partner"

    type = factory.LazyFunction(lambda: PartnerType.objects.get(code="cpts"))
    name = factory.Sequence(lambda n: f"CPTS n°{n}")
    commune_id = "45234"


class ConventionFactory(factory.django.DjangoModelFactory):
    """A convention in a given state, written directly (setup only: tests of transitions go
    through the services)."""

    class Meta:
        model = "partners.Convention"
        skip_postgeneration_save = True

    kind = factory.LazyFunction(lambda: ConventionKind.objects.get(code="partenariat"))
    title = factory.Sequence(lambda n: f"Convention n°{n}")

    class Params:
        active = factory.Trait(
            status="active",
            signed_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30)),
            effective_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30)),
        )

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if create:
            self.parties.set(extracted or [PartnerFactory()])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.Contact"

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Faker("name", locale="fr_FR")
    role = "Coordinatrice"
    email = factory.Sequence(lambda n: f"contact{n}@partenaire.example.org")


# ---------------------------------------------------------------------------------------------
# Members: memberships, competences, availability
# ---------------------------------------------------------------------------------------------
def valid_rpps(first10: str) -> str:
    """An RPPS number with its correct Luhn key, for test data."""
    from stdnum import luhn

    return first10 + luhn.calc_check_digit(first10)


def cardiology():
    return Specialty.objects.get_or_create(code="cardiologie", defaults={"label": "Cardiologie"})[0]


def cardiology_offered():
    """Cardiology, among the specialties the test ESS answers for (requests may ask for it)."""
    specialty = cardiology()
    team, _ = Team.objects.get_or_create(pk=1, defaults={"name": "ESS test", "short_name": "ESS"})
    team.specialties.add(specialty)
    return specialty


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Competence"
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"competence-{n}")
    label = factory.Sequence(lambda n: f"Compétence {n}")
    specialty = factory.LazyFunction(cardiology)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership; `active=True` gives it an account with the specialist role."""

    class Meta:
        model = "members.Membership"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    profession = Profession.PHYSICIAN
    rpps = factory.Sequence(lambda n: valid_rpps(f"2{n:09d}"))
    specialty = factory.LazyFunction(cardiology)
    practice_mode = "liberal"
    sector = "secteur_1"

    class Params:
        active = factory.Trait(
            status="active",
            joined_at=factory.LazyFunction(timezone.now),
            user=factory.SubFactory(
                UserFactory,
                specialist=True,
                email=factory.SelfAttribute("..email"),
                first_name=factory.SelfAttribute("..first_name"),
                last_name=factory.SelfAttribute("..last_name"),
                rpps=factory.SelfAttribute("..rpps"),
                specialty=factory.SelfAttribute("..specialty"),
            ),
        )

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create:
            for commune in extracted or ["45234"]:
                self.sites.create(
                    address="1 rue de la Gare", commune_id=commune, phone="0238000000"
                )


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scheduling.AvailabilitySlot"

    specialist = factory.SubFactory(UserFactory, specialist=True)
    specialty = factory.SelfAttribute("specialist.specialty")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    place = "Cabinet, 1 rue de la République, Orléans"
    capacity = 1


# ---------------------------------------------------------------------------------------------
# Advanced consultations: sites, plans, sessions
# ---------------------------------------------------------------------------------------------
class ConsultationSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scheduling.ConsultationSite"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"MSP n°{n}")
    commune_id = "45252"  # Pithiviers
    address = "2 rue de l'Hôpital"

    @factory.post_generation
    def specialties(self, create, extracted, **kwargs):
        if create:
            self.specialties.set(extracted or [cardiology()])


class ConsultationPlanFactory(factory.django.DjangoModelFactory):
    """Every Tuesday 9:00–12:00, 6 appointments of 30 minutes, for ten weeks from next week."""

    class Meta:
        model = "scheduling.ConsultationPlan"
        skip_postgeneration_save = True

    site = factory.SubFactory(ConsultationSiteFactory)
    specialty = factory.LazyFunction(cardiology)
    weekday = 1
    start_time = factory.LazyFunction(lambda: timezone.datetime(2026, 1, 1, 9, 0).time())
    end_time = factory.LazyFunction(lambda: timezone.datetime(2026, 1, 1, 12, 0).time())
    season_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    season_end = factory.LazyAttribute(lambda o: o.season_start + timedelta(weeks=10))
    capacity = 6
    slot_minutes = 30

    @factory.post_generation
    def volunteers(self, create, extracted, **kwargs):
        if create and extracted:
            self.volunteers.set(extracted)


class ConsultationSessionFactory(factory.django.DjangoModelFactory):
    """A published session in three days, 9:00–11:00 Paris time, 2 places."""

    class Meta:
        model = "scheduling.ConsultationSession"

    site = factory.SubFactory(ConsultationSiteFactory)
    specialty = factory.LazyFunction(cardiology)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))
    starts_at = factory.LazyAttribute(
        lambda o: (
            timezone.make_aware(timezone.datetime.combine(o.date, timezone.datetime.min.time()))
            + timedelta(hours=9)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    specialist = factory.SubFactory(UserFactory, specialist=True)
    capacity = 2
    slot_minutes = 30
    status = "published"


# ---------------------------------------------------------------------------------------------
# The national directory of health professionals
# ---------------------------------------------------------------------------------------------
class DirectoryEntryFactory(factory.django.DjangoModelFactory):
    """A practising GP of the Loiret, as `load_directory` writes them."""

    class Meta:
        model = "members.DirectoryEntry"

    identifier = factory.Sequence(lambda n: valid_rpps(f"1980{n:06d}"))
    national_id = factory.LazyAttribute(lambda o: f"8{o.identifier}")
    id_type = "rpps"
    last_name = factory.Sequence(lambda n: f"PRATICIEN{n}")
    first_name = "Julien"
    profession_code = "10"
    profession_label = "Médecin"
    specialty_label = "Médecine générale"
    postal_code = "45000"
    commune_code = "45234"
    commune_name = "ORLÉANS"
    departement_code = "45"
    imported_at = factory.LazyFunction(timezone.now)


# ---------------------------------------------------------------------------------------------
# Opening hours
# ---------------------------------------------------------------------------------------------
def opening_week(manager, *, closure: tuple | None = None) -> None:
    """Monday to Friday 08:30–12:30 and 13:30–18:30 (45 h a week), and `closure` (starts_on,
    ends_on, reason), through the managers' services."""
    for weekday in range(5):
        for opens_at, closes_at in ((time(8, 30), time(12, 30)), (time(13, 30), time(18, 30))):
            scheduling_services.opening_range_add(
                by=manager, weekday=weekday, opens_at=opens_at, closes_at=closes_at
            )
    if closure:
        starts_on, ends_on, reason = closure
        scheduling_services.closure_add(
            by=manager, starts_on=starts_on, ends_on=ends_on, reason=reason
        )


# ---------------------------------------------------------------------------------------------
# Protocols and care pathways
# ---------------------------------------------------------------------------------------------
class ProtocolFactory(factory.django.DjangoModelFactory):
    """A cooperation protocol under a convention in force (`expired` when it no longer is),
    with its delegating doctors and delegates given as lists (`delegating_doctors=[…]`)."""

    class Meta:
        model = "partners.Protocol"
        skip_postgeneration_save = True

    convention = factory.SubFactory(
        ConventionFactory,
        active=True,
        kind=factory.LazyFunction(lambda: ConventionKind.objects.get(code="protocole-cooperation")),
        title=factory.Sequence(lambda n: f"Protocole insuffisance cardiaque n°{n}"),
    )
    eligibility = "Insuffisance cardiaque après une hospitalisation."

    class Params:
        expired = factory.Trait(
            convention=factory.SubFactory(
                ConventionFactory,
                status="expired",
                kind=factory.LazyFunction(
                    lambda: ConventionKind.objects.get(code="protocole-cooperation")
                ),
                signed_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400)),
                effective_on=factory.LazyFunction(
                    lambda: timezone.localdate() - timedelta(days=400)
                ),
                end_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)),
            )
        )

    @factory.post_generation
    def delegating_doctors(self, create, extracted, **kwargs):
        if create and extracted:
            self.delegating_doctors.set(extracted)

    @factory.post_generation
    def delegates(self, create, extracted, **kwargs):
        if create and extracted:
            self.delegates.set(extracted)


class ProtocolTaskTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.ProtocolTaskTemplate"

    protocol = factory.SubFactory(ProtocolFactory)
    label = factory.Sequence(lambda n: f"Appel de suivi n°{n}")
    kind = "call"
    day = 7
    instructions = "Poids, dyspnée, œdèmes ; alerter si prise de plus de 2 kg en 3 jours."


def heart_failure_plan(protocol) -> None:
    """The heart-failure plan after a hospital discharge: a call at D7, titration visits at D14
    and D28, a lab check at D30."""
    for day, label, kind in (
        (7, "Appel de suivi J7", "call"),
        (14, "Consultation de titration J14", "visit"),
        (28, "Consultation de titration J28", "visit"),
        (30, "Bilan biologique J30 (kaliémie, créatinine)", "lab"),
    ):
        ProtocolTaskTemplateFactory(protocol=protocol, day=day, label=label, kind=kind)


class PathwayFactory(factory.django.DjangoModelFactory):
    """A pathway written directly (setup only: opening one goes through pathway_open), with
    its care circle given as `circle=[(user, role), …]`."""

    class Meta:
        model = "pathways.Pathway"
        skip_postgeneration_save = True

    patient = factory.SubFactory(PatientFactory)
    title = factory.Sequence(lambda n: f"Suivi insuffisance cardiaque n°{n}")
    opened_by = factory.SubFactory(UserFactory, coordinator=True)

    class Params:
        paused = factory.Trait(status="paused")
        closed = factory.Trait(status="closed", close_reason="Objectifs atteints.")

    @factory.post_generation
    def circle(self, create, extracted, **kwargs):
        if create and extracted:
            CircleMember.objects.bulk_create(
                CircleMember(pathway=self, user=user, role=role) for user, role in extracted
            )

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        """A paused or closed pathway's history row, at `history` (a datetime, default now)."""
        if create and self.status != "active":
            self.events.create(
                from_status="active",
                to_status=self.status,
                at=extracted or timezone.now(),
                note=self.close_reason,
            )


class CircleMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.CircleMember"

    pathway = factory.SubFactory(PathwayFactory)
    user = factory.SubFactory(UserFactory, requester=True)
    role = "gp"


class PathwayTaskFactory(factory.django.DjangoModelFactory):
    """A delegated task due today, assigned to an IPA; `done` records a result."""

    class Meta:
        model = "pathways.PathwayTask"

    pathway = factory.SubFactory(PathwayFactory)
    label = factory.Sequence(lambda n: f"Appel de suivi n°{n}")
    kind = "call"
    due_on = factory.LazyFunction(timezone.localdate)
    assignee = factory.SubFactory(UserFactory, paramedic=True)

    class Params:
        done = factory.Trait(
            status="done",
            result="Poids stable, pas d'œdème.",
            done_at=factory.LazyFunction(timezone.now),
            done_by=factory.SelfAttribute("assignee"),
        )


class PathwayAlertFactory(factory.django.DjangoModelFactory):
    """A result out of range, alerting a cardiologist; `answered` gives the doctor's answer."""

    class Meta:
        model = "pathways.PathwayAlert"

    task = factory.SubFactory(
        PathwayTaskFactory, done=True, out_of_range=True, result="Prise de poids de 3 kg."
    )
    pathway = factory.SelfAttribute("task.pathway")
    doctor = factory.SubFactory(UserFactory, specialist=True)
    raised_at = factory.LazyFunction(timezone.now)

    class Params:
        answered = factory.Trait(
            answer="Augmenter le diurétique, contrôle dans 48 h.",
            answered_at=factory.LazyAttribute(lambda o: o.raised_at + timedelta(hours=4)),
            answered_by=factory.SelfAttribute("doctor"),
        )


class CaseMeetingFactory(factory.django.DjangoModelFactory):
    """A cardiology télé-RCP planned in a week; `held` marks it held at its start."""

    class Meta:
        model = "meetings.CaseMeeting"

    title = factory.Sequence(lambda n: f"RCP insuffisance cardiaque n°{n}")
    specialty = factory.LazyFunction(cardiology)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    video_url = "https://visio.exemple.fr/rcp"
    organiser = factory.SubFactory(UserFactory, coordinator=True)

    class Params:
        held = factory.Trait(status="held", held_at=factory.SelfAttribute("starts_at"))


class MeetingCaseFactory(factory.django.DjangoModelFactory):
    """A pathway's case on a meeting's agenda; `decided` records the decision."""

    class Meta:
        model = "meetings.MeetingCase"

    meeting = factory.SubFactory(CaseMeetingFactory)
    pathway = factory.SubFactory(PathwayFactory)
    question = "Faut-il introduire un traitement par sacubitril-valsartan ?"

    class Params:
        decided = factory.Trait(
            decision="Introduction recommandée, titration par l'IPA.",
            decided_at=factory.LazyFunction(timezone.now),
        )


class TrainingFactory(factory.django.DjangoModelFactory):
    """A published two-hour cardiology evening in two weeks, 20 places; `draft`, `held` and
    `cancelled` give the other statuses."""

    class Meta:
        model = "events.Training"

    title = factory.Sequence(lambda n: f"Soirée insuffisance cardiaque n°{n}")
    specialty = factory.LazyFunction(cardiology)
    summary = "Repérer et suivre l'insuffisance cardiaque en ville."
    programme = "19 h 30 : accueil. 20 h : cas cliniques. 21 h 30 : questions."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    hours = Decimal("2.0")
    place = "Maison de santé, 12 rue de la République, Orléans"
    capacity = 20
    organiser = factory.SubFactory(UserFactory, manager=True)
    status = "published"
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status="draft", published_at=None)
        held = factory.Trait(status="held", held_at=factory.SelfAttribute("ends_at"))
        cancelled = factory.Trait(status="cancelled", cancel_reason="Intervenant indisponible.")


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration without an account; `waitlisted` and `pending` give the
    others (pass `user=` for an account's)."""

    class Meta:
        model = "events.Registration"

    training = factory.SubFactory(TrainingFactory)
    email = factory.Sequence(lambda n: f"inscrit{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    profession = Profession.NURSE
    status = "confirmed"
    confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(status="pending", confirmed_at=None)
        waitlisted = factory.Trait(
            status="waitlisted", confirmed_at=None, waitlisted_at=factory.LazyFunction(timezone.now)
        )


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Campaign"

    title = factory.Sequence(lambda n: f"Dépistage de l'hypertension n°{n}")
    kind = "screening"
    theme = "Hypertension artérielle"
    target_population = "Adultes de plus de 50 ans"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class CampaignActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.CampaignAction"

    campaign = factory.SubFactory(CampaignFactory)
    title = "Stand de dépistage au marché"
    held_on = factory.LazyFunction(timezone.localdate)
    people_reached = 120
    screenings_done = 45
    referrals_generated = 6


class EtpProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.EtpProgramme"

    title = factory.Sequence(lambda n: f"Vivre avec une insuffisance cardiaque n°{n}")
    specialty = factory.LazyFunction(cardiology)
    authorisation_number = factory.Sequence(lambda n: f"ETP-45-{n:04d}")
    authorised_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    coordinator_name = "Service de cardiologie, CHR d'Orléans"


class EtpSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.EtpSession"

    programme = factory.SubFactory(EtpProgrammeFactory)
    held_on = factory.LazyFunction(timezone.localdate)
    topic = "Surveiller son poids et ses symptômes"
    patients_count = 8


class ResidentSupervisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.ResidentSupervisor"

    member = factory.SubFactory(UserFactory, specialist=True)
    approval_number = factory.Sequence(lambda n: f"MSU-{n:05d}")
    university = "Faculté de médecine de Tours"


class TrainingPlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.TrainingPlace"

    supervisor = factory.SubFactory(ResidentSupervisorFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    season = "november"
    places = 1


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Placement"

    place = factory.SubFactory(TrainingPlaceFactory)
    resident_name = factory.Faker("name", locale="fr_FR")
    phase = "Phase d'approfondissement"
    # The offer's semester, from one change-over day to the next.
    starts_on = factory.LazyAttribute(
        lambda o: date(o.place.year, 5 if o.place.season == "may" else 11, 2)
    )
    ends_on = factory.LazyAttribute(
        lambda o: (
            date(o.place.year, 11, 2) if o.place.season == "may" else date(o.place.year + 1, 5, 3)
        )
    )
