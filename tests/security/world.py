"""The objects the authorisation matrix probes: one ESS with its personas, and for every kind of
object that a URL names, an object some persona must not see (a referral of another requester
offered to another specialist, a draft project version, a partner's draft document…).

Each object is a `Thing`: the ids a URL needs, the personas who may see it (from DESIGN.md and the
apps' rules, written out here rather than computed by the selectors under test), and, for
referrals, the patient data that must never reach anyone else.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ess.api_auth import token_issue
from ess.models import TokenScope
from tests.factories import (
    ContactFactory,
    ConventionFactory,
    MembershipFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
    RegistrationFactory,
    SlotFactory,
    TrainingFactory,
    UserFactory,
    cardiology,
    valid_nir,
)
from tests.referrals.conftest import PDF_BYTES

PERSONAS = (
    "anonymous",
    "requester",
    "other_requester",
    "coordinator",
    "specialist",
    "other_specialist",
    "paramedic",
    "manager",
    "authority",
)
SIGNED_IN_PERSONAS = frozenset(PERSONAS) - {"anonymous"}
STAFF_READERS = frozenset({"coordinator", "specialist", "other_specialist", "paramedic"})
NO_ONE: frozenset[str] = frozenset()


@dataclass
class Thing:
    """One object as URLs name it. `ids` maps the names the registry uses ("referral",
    "attachment"…) to UUIDs or strings; `visible_to` lists the personas who may see it."""

    label: str
    ids: dict[str, str]
    visible_to: frozenset[str]
    markers: tuple[str, ...] = ()  # patient data carried by this object


@dataclass
class World:
    users: dict[str, object]
    things: dict[str, list[Thing]]
    extra: dict[str, str] = field(default_factory=dict)  # ids bodies refer to (a free slot…)

    def patient_markers_hidden_from(self, persona: str) -> set[str]:
        """Patient data the persona must not see: carried by an object hidden from them, and
        by none they may see (the same patient is on a referral and on a day sheet)."""
        hidden, seen = set(), set()
        for things in self.things.values():
            for thing in things:
                (seen if persona in thing.visible_to else hidden).update(thing.markers)
        return hidden - seen

    def all_patient_markers(self) -> set[str]:
        return {m for things in self.things.values() for t in things for m in t.markers}


def _upload(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


# NIRs of women born in the 1960s–1970s in the Loiret: valid keys, distinct per patient.
def _nir(n: int) -> str:
    return valid_nir(f"2{65 + n:02d}0{n % 9 + 1}45234{100 + n:03d}")


def _patient(n: int):
    """A patient whose every identifying trait is unmistakable in a response body."""
    patient = PatientFactory(
        birth_name=f"QZXNOM{n}",
        first_names=f"Qzxprenom{n}",
        used_name=f"QZXUSAGE{n}",
        ins=_nir(n),
        phone=f"06 99 88 7{n} 6{n}",
    )
    question = f"Question clinique confidentielle qzx{n}"
    markers = (
        patient.birth_name,
        patient.first_names,
        patient.used_name,
        patient.ins,
        patient.phone,
        question,
    )
    return patient, question, markers


REFERRAL_STATES = ("submitted", "triaged", "accepted", "info_requested", "completed")


def _referral(n: int, state: str, *, requester, specialist):
    """A referral of `requester` in `state`; offered to or held by `specialist` (never the
    specialty pool, which would open it to every cardiologist)."""
    patient, question, markers = _patient(n)
    now = timezone.now()
    fields = {"requester": requester, "patient": patient, "question": question, "status": state}
    if state != "submitted":
        fields.update(
            priority="P2",
            # The accepted one is seen at an advanced consultation (its appointment below).
            response_mode="advanced_consultation" if state == "accepted" else "teleexpertise_async",
            triaged_at=now,
            due_at=now + timedelta(hours=48),
        )
    if state == "triaged":
        fields.update(offered_to=specialist, offered_to_pool=False)
    if state in ("accepted", "completed"):
        fields.update(specialist=specialist)
    if state == "completed":
        fields.update(answer=f"Réponse confidentielle qzx{n}", completed_at=now)
    return ReferralFactory(**fields), markers


def _reference_data() -> None:
    """Communes, specialties, partner types come from migrations; a transactional test run
    earlier in the session empties every table: put back what the world uses (the Loiret)."""
    from ess.models import Commune, Team
    from ess.territory import specialties_load, territory_load
    from partners.models import PartnerType
    from partners.reference import reference_data_load

    if not Commune.objects.filter(code="45234").exists():
        territory_load(departements={"45"})
        specialties_load()
    if not PartnerType.objects.exists():
        reference_data_load()
    team, _ = Team.objects.get_or_create(pk=1, defaults={"name": "ESS test", "short_name": "ESS"})
    team.specialties.add(cardiology())


def build_world() -> World:
    from ess.models import Notification
    from members.models import DirectoryEntry, GovernanceRole, Invitation, Registration
    from members.services.directory_import import SAMPLE_FILE, directory_import
    from partners import services as partner_services
    from partners.models import ConventionKind
    from pathways.models import PathwayAlert
    from projet_sante.indicators.models import GeneratedReport, ReportStatus, Transmission
    from projet_sante.newsletter.models import Newsletter
    from projet_sante.project import services as ps
    from referrals.models import Attachment, Message
    from scheduling import services as consultation_services
    from scheduling.models import (
        Absence,
        Appointment,
        Booking,
        Closure,
        ConsultationPlan,
        ConsultationSession,
        ConsultationSite,
        OnCallDuty,
        OnCallShift,
        OnCallSwap,
        OpeningRange,
        SwapRequest,
    )
    from tests.factories import (
        ConsultationPlanFactory,
        ConsultationSessionFactory,
        ConsultationSiteFactory,
        PathwayFactory,
        PathwayTaskFactory,
    )

    _reference_data()
    specialty = cardiology()
    specialist_membership = MembershipFactory(active=True)
    other_specialist_membership = MembershipFactory(active=True)
    stranger_specialist = MembershipFactory(active=True).user
    users = {
        "requester": UserFactory(requester=True),
        "other_requester": UserFactory(requester=True),
        "coordinator": UserFactory(coordinator=True),
        "specialist": specialist_membership.user,
        "other_specialist": other_specialist_membership.user,
        "paramedic": UserFactory(paramedic=True),
        "manager": UserFactory(manager=True),
        "authority": UserFactory(authority=True),
    }
    stranger_requester = UserFactory(requester=True)
    specialist, manager = users["specialist"], users["manager"]
    things: dict[str, list[Thing]] = {}

    def add(kind: str, thing: Thing) -> Thing:
        things.setdefault(kind, []).append(thing)
        return thing

    # --- Referrals: the requester's, offered to or held by "specialist"; and a stranger's,
    # offered to or held by a stranger specialist. Coordinators and managers see every one.
    triage_team = frozenset({"coordinator", "manager"})
    referrals = {}
    n = 0
    for state in REFERRAL_STATES:
        for owner in ("own", "stranger"):
            n += 1
            referral, markers = _referral(
                n,
                state,
                requester=users["requester"] if owner == "own" else stranger_requester,
                specialist=specialist if owner == "own" else stranger_specialist,
            )
            referrals[state, owner] = referral
            visible = set(triage_team)
            if owner == "own":
                visible.add("requester")
                if state in ("triaged", "accepted", "completed"):
                    visible.add("specialist")
            add(
                f"referral.{state}",
                Thing(
                    f"{state} referral ({owner})",
                    {"referral": str(referral.public_id)},
                    frozenset(visible),
                    markers,
                ),
            )

    # Messages and attachments on the accepted ones (the API lists them; pages download them).
    for owner in ("own", "stranger"):
        referral = referrals["accepted", owner]
        author = referral.requester
        message = Message.objects.create(
            referral=referral, author=author, body=f"Message confidentiel {referral.reference}"
        )
        attachment = Attachment(
            referral=referral,
            message=message,
            uploaded_by=author,
            original_name="ecg.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
        )
        attachment.file.save("ecg.pdf", ContentFile(PDF_BYTES), save=False)
        attachment.save()
        referral_thing = next(
            t for t in things["referral.accepted"] if t.ids["referral"] == str(referral.public_id)
        )
        add(
            "attachment",
            Thing(
                f"attachment of the accepted referral ({owner})",
                {"referral": str(referral.public_id), "attachment": str(attachment.public_id)},
                referral_thing.visible_to,
                referral_thing.markers,
            ),
        )

    # --- Availability: each specialist's slots and absences are theirs alone; a booked slot on
    # the triaged referrals.
    now = timezone.now()
    for owner, who in (("own", specialist), ("stranger", stranger_specialist)):
        booked = SlotFactory(specialist=who, starts_at=now + timedelta(days=2))
        free = SlotFactory(specialist=who, starts_at=now + timedelta(days=3))
        Booking.objects.create(
            slot=booked, referral=referrals["triaged", owner], booked_by=users["coordinator"]
        )
        booked.booked = 1
        booked.save(update_fields=["booked"])
        absence = Absence.objects.create(
            specialist=who,
            starts_on=timezone.localdate() + timedelta(days=20),
            ends_on=timezone.localdate() + timedelta(days=21),
        )
        visible = frozenset({"specialist"}) if owner == "own" else NO_ONE
        add("slot", Thing(f"slot ({owner})", {"slot": str(free.public_id)}, visible))
        add("absence", Thing(f"absence ({owner})", {"absence": str(absence.public_id)}, visible))
    extra = {
        "free_slot": things["slot"][0].ids["slot"],
    }

    # --- Opening hours and closures: the managers edit them (the public page only shows them).
    opening_range = OpeningRange.objects.create(weekday=6, opens_at=time(9), closes_at=time(12))
    closure = Closure.objects.create(
        starts_on=timezone.localdate() + timedelta(days=60),
        ends_on=timezone.localdate() + timedelta(days=70),
        reason="Fermeture estivale",
    )
    managers = frozenset({"manager"})
    add("opening_range", Thing("opening range", {"range": str(opening_range.public_id)}, managers))
    add("closure", Thing("closure", {"closure": str(closure.public_id)}, managers))

    # --- Memberships: a member sees their own, managers every one; an application in progress
    # is no one else's business and is not in the directory.
    applied = MembershipFactory(status="applied")
    for label, membership, owner in (
        ("specialist's membership", specialist_membership, "specialist"),
        ("other specialist's membership", other_specialist_membership, "other_specialist"),
        ("application", applied, None),
    ):
        visible = {"manager"} | ({owner} if owner else set())
        add(
            "membership",
            Thing(label, {"membership": str(membership.public_id)}, frozenset(visible)),
        )
    directory_readers = SIGNED_IN_PERSONAS - {"authority"}
    add(
        "directory_entry",
        Thing(
            "listed member",
            {"membership": str(specialist_membership.public_id)},
            directory_readers,
        ),
    )
    add(
        "directory_entry",
        Thing("application (not listed)", {"membership": str(applied.public_id)}, NO_ONE),
    )
    role = GovernanceRole.objects.create(
        membership=specialist_membership, kind="president", starts_on=timezone.localdate()
    )
    add(
        "governance_role",
        Thing("governance role", {"role": str(role.public_id)}, frozenset({"manager"})),
    )
    invitation = Invitation.objects.create(
        email="invitee@exemple.fr",
        first_name="Ina",
        last_name="Vitée",
        roles=["coordinator"],
        invited_by=manager,
        expires_at=now + timedelta(days=7),
    )
    add(
        "invitation",
        Thing(
            "pending invitation", {"invitation": str(invitation.public_id)}, frozenset({"manager"})
        ),
    )
    # An ARS/CPAM account: the managers set its institution.
    add(
        "authority_account",
        Thing(
            "authority account",
            {"authority_account": str(users["authority"].public_id)},
            frozenset({"manager"}),
        ),
    )

    # --- Self-registrations from outside the territory: the coordination's only.
    directory_import(path=SAMPLE_FILE)
    entry = DirectoryEntry.objects.get(identifier="19941000184")  # a GP in Blois
    registration = Registration.objects.create(
        entry=entry, email="inscrit@exemple.fr", status="pending", in_territory=False
    )
    add(
        "registration",
        Thing(
            "registration to review",
            {"registration": str(registration.public_id)},
            frozenset({"coordinator"}),
        ),
    )

    # --- Notifications: the recipient's only.
    for owner, who in (("own", users["requester"]), ("stranger", stranger_requester)):
        notification = Notification.objects.create(
            recipient=who,
            kind="referral_new",
            title="Notification de contrôle",
            url="/demandes/",
            email_state="none",
        )
        visible = frozenset({"requester"}) if owner == "own" else NO_ONE
        add(
            "notification",
            Thing(
                f"notification ({owner})", {"notification": str(notification.public_id)}, visible
            ),
        )

    # --- API tokens: their owner's only (listed and revoked from the account page).
    for owner, who in (("own", users["requester"]), ("stranger", stranger_requester)):
        token, _key = token_issue(user=who, name="Contrôle", scope=TokenScope.READ)
        visible = frozenset({"requester"}) if owner == "own" else NO_ONE
        add(
            "api_token", Thing(f"API token ({owner})", {"api_token": str(token.public_id)}, visible)
        )

    # --- Partners and conventions: ESS staff and authorities read them, requesters do not.
    partner_readers = STAFF_READERS | {"manager", "authority"}
    partner = PartnerFactory()
    contact = ContactFactory(partner=partner)
    convention = ConventionFactory(parties=[partner], referent=manager)
    add(
        "partner",
        Thing("partner", {"partner": str(partner.public_id)}, partner_readers),
    )
    add(
        "contact",
        Thing(
            "partner contact",
            {"partner": str(partner.public_id), "contact": str(contact.public_id)},
            partner_readers,
        ),
    )
    add(
        "convention",
        Thing("draft convention", {"convention": str(convention.public_id)}, partner_readers),
    )
    protocol_convention = ConventionFactory(
        parties=[partner],
        referent=manager,
        kind=ConventionKind.objects.get(code="protocole-cooperation"),
    )
    add(
        "convention.protocol",
        Thing(
            "draft cooperation protocol",
            {"convention": str(protocol_convention.public_id)},
            partner_readers,
        ),
    )
    signed = partner_services.convention_document_add(
        convention_id=convention.pk, by=manager, doc_type="signed", upload=_upload()
    )
    draft_doc = partner_services.convention_document_add(
        convention_id=convention.pk, by=manager, doc_type="draft", upload=_upload("projet.pdf")
    )
    add(
        "convention_document",
        Thing(
            "signed convention PDF",
            {"convention": str(convention.public_id), "document": str(signed.public_id)},
            frozenset({"manager", "coordinator", "authority"}),
        ),
    )
    add(
        "convention_document",
        Thing(
            "draft convention document",
            {"convention": str(convention.public_id), "document": str(draft_doc.public_id)},
            frozenset({"manager"}),
        ),
    )

    # --- Advanced consultations: sites, plans and swaps are the managers'; sessions are seen by
    # coordinators, managers and specialists (published ones, or their own); a day sheet (names of
    # patients) only by the session's specialist, coordinators and managers.
    site = ConsultationSiteFactory()
    plan = ConsultationPlanFactory(site=site, volunteers=[specialist])
    add("consultation_site", Thing("site", {"site": str(site.public_id)}, frozenset({"manager"})))
    add("consultation_plan", Thing("plan", {"plan": str(plan.public_id)}, frozenset({"manager"})))
    cardiologists = frozenset({"specialist", "other_specialist"})
    for days, owner, who in ((3, "own", specialist), (4, "stranger", stranger_specialist)):
        session = ConsultationSessionFactory(
            site=site,
            plan=plan,
            specialist=who,
            specialty=specialty,
            date=timezone.localdate() + timedelta(days=days),
        )
        referral = referrals["accepted", owner]
        Appointment.objects.create(
            session=session,
            referral=referral,
            position=1,
            starts_at=session.starts_at,
            booked_by=users["coordinator"],
        )
        add(
            "consultation_session",
            Thing(
                f"published session ({owner})",
                {"session": str(session.public_id)},
                triage_team | cardiologists,
            ),
        )
        add(
            "day_sheet",
            Thing(
                f"day sheet ({owner})",
                {"session": str(session.public_id)},
                triage_team | ({"specialist"} if owner == "own" else set()),
                # The appointment's patient is on the sheet.
                next(
                    t.markers
                    for t in things["referral.accepted"]
                    if t.ids["referral"] == str(referral.public_id)
                ),
            ),
        )
        if owner == "own":
            extra["session"] = str(session.public_id)
            swap = SwapRequest.objects.create(
                session=session,
                requested_by=specialist,
                replacement=users["other_specialist"],
            )
            add(
                "swap", Thing("pending swap", {"swap": str(swap.public_id)}, frozenset({"manager"}))
            )
    draft_session = ConsultationSessionFactory(
        site=site,
        plan=plan,
        specialist=stranger_specialist,
        status="draft",
        date=timezone.localdate() + timedelta(days=5),
    )
    add(
        "consultation_session",
        Thing("draft session (stranger)", {"session": str(draft_session.public_id)}, triage_team),
    )
    assert ConsultationSite.objects.count() == 1
    assert ConsultationPlan.objects.count() == 1
    assert ConsultationSession.objects.count() == 3
    feed_token = consultation_services.calendar_feed_regenerate(by=specialist)
    extra["calendar_token"] = feed_token

    # --- On-call rosters: published shifts are read by the ESS's staff (drafts by managers);
    # acting on shifts and swaps is the managers'; a duty's swap is asked by the specialist on
    # duty only.
    draft_shift = OnCallShift.objects.create(
        specialty=specialty,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=1),
        status="draft",
    )
    add(
        "on_call_shift_read",
        Thing("draft on-call shift", {"shift": str(draft_shift.public_id)}, frozenset({"manager"})),
    )
    soon = timezone.now() + timedelta(days=3)
    for owner, who in (("own", specialist), ("stranger", stranger_specialist)):
        shift = OnCallShift.objects.create(
            specialty=specialty, starts_at=soon, ends_at=soon + timedelta(hours=5)
        )
        soon += timedelta(hours=5)
        duty = OnCallDuty.objects.create(shift=shift, specialist=who, rank=1)
        add(
            "on_call_shift",
            Thing(
                f"on-call shift ({owner})", {"shift": str(shift.public_id)}, frozenset({"manager"})
            ),
        )
        add(
            "on_call_shift_read",
            Thing(
                f"published on-call shift ({owner})",
                {"shift": str(shift.public_id)},
                frozenset({"manager", "coordinator", "specialist", "other_specialist"}),
            ),
        )
        add(
            "on_call_duty",
            Thing(
                f"on-call duty ({owner})",
                {"shift": str(shift.public_id)},
                frozenset({"specialist"} if owner == "own" else set()),
            ),
        )
        if owner == "own":
            on_call_swap = OnCallSwap.objects.create(
                duty=duty, requested_by=specialist, replacement=users["other_specialist"]
            )
            add(
                "on_call_swap",
                Thing(
                    "pending on-call swap",
                    {"on_call_swap": str(on_call_swap.public_id)},
                    frozenset({"manager"}),
                ),
            )

    # --- Health project: v1 validated (every reader), v2 a draft never submitted (managers
    # only: not yet the authorities', and not the staff's).
    authority = users["authority"]
    v1 = ps.version_start(by=manager)
    ps.section_update(version_id=v1.pk, key="diagnostic", by=manager, body="Le Loiret.")
    mission = ps.mission_save(
        version_id=v1.pk, by=manager, kind="core_1", title="Avis sous 48 h", description="TE."
    )
    ps.action_save(
        version_id=v1.pk,
        mission_id=mission.pk,
        by=manager,
        title="Ouvrir la télé-expertise",
        owner=manager,
        status="in_progress",
        progress=40,
        indicator_codes=[],
    )
    ps.annex_add(version_id=v1.pk, by=manager, title="Carte", upload=_upload("carte.pdf"))
    ps.version_submit(version_id=v1.pk, by=manager)
    ps.version_validate(version_id=v1.pk, by=authority)  # the ARS signs, then the CPAM
    ps.version_validate(version_id=v1.pk, by=UserFactory(authority=True, institution="cpam"))
    v2 = ps.version_start(by=manager)
    project_readers = STAFF_READERS | {"manager", "authority"}
    for version, visible in ((v1, project_readers), (v2, frozenset({"manager"}))):
        version.refresh_from_db()
        label = f"project v{version.number} ({version.status})"
        ids = {"version": str(version.public_id), "validated": str(v1.public_id)}
        add("project_version", Thing(label, ids, visible))
        for m in version.missions.all():
            add(
                "mission",
                Thing(f"mission of {label}", {**ids, "mission": str(m.public_id)}, visible),
            )
            for a in m.actions.all():
                add(
                    "action",
                    Thing(f"action of {label}", {**ids, "action": str(a.public_id)}, visible),
                )
        for annex in version.annexes.all():
            add(
                "annex", Thing(f"annex of {label}", {**ids, "annex": str(annex.public_id)}, visible)
            )

    # --- Reports: the quarterly one for managers and authorities; a health-project report
    # follows its version (the draft's is the managers' alone).
    reports = []
    for kind, key in (("quarterly", "2026-Q1"), ("projet", f"{v2.pk}:2026-Q1")):
        report = GeneratedReport(
            kind=kind, key=key, status=ReportStatus.READY, requested_by=manager
        )
        report.file.save(f"{kind}.pdf", ContentFile(PDF_BYTES), save=False)
        report.save()
        reports.append(report)
    quarterly, draft_report = reports
    add(
        "report",
        Thing(
            "quarterly report",
            {"report": str(quarterly.public_id)},
            frozenset({"manager", "authority"}),
        ),
    )
    add(
        "report",
        Thing(
            "report of the draft project",
            {"report": str(draft_report.public_id)},
            frozenset({"manager"}),
        ),
    )

    # --- Reports sent to the ARS/CPAM: one to the ARS ("authority" is an ARS account), one to
    # the CPAM alone (the managers' and the CPAM's, not the ARS's).
    for institution, visible in (
        ("ars", frozenset({"manager", "authority"})),
        ("cpam", frozenset({"manager"})),
    ):
        transmission = Transmission(
            kind="quarterly",
            key="2026-Q1",
            title="Rapport d'activité",
            sent_by=manager,
            original_name="rapport.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        )
        transmission.file.save("t.pdf", ContentFile(PDF_BYTES), save=False)
        transmission.save()
        transmission.recipients.create(institution=institution)
        add(
            "transmission",
            Thing(
                f"report sent to the {institution}",
                {"transmission": str(transmission.public_id)},
                visible,
            ),
        )

    # --- Newsletter: a sent letter is public; a draft is the managers'.
    everyone = frozenset(PERSONAS)
    sent = Newsletter.objects.create(
        year=2026,
        quarter=1,
        status="sent",
        progress="Envoyée.",
        sent_by=manager,
        sending_started_at=now,
        sent_at=now,
    )
    draft = Newsletter.objects.create(year=2026, quarter=2, status="draft", progress="Brouillon.")
    add("newsletter", Thing("sent letter", {"newsletter": str(sent.public_id)}, everyone))
    add(
        "newsletter",
        Thing("draft letter", {"newsletter": str(draft.public_id)}, frozenset({"manager"})),
    )

    # --- Care pathways: the requester's patient followed by the requester (GP), the specialist
    # and the paramedic (delegate), with a task to do and an alert waiting for the doctor; a
    # stranger's, followed by strangers. The coordinators see both; nobody else does.
    for owner in ("own", "stranger"):
        referral = referrals["completed", owner]
        referral_thing = next(
            t for t in things["referral.completed"] if t.ids["referral"] == str(referral.public_id)
        )
        if owner == "own":
            gp, doctor, delegate = users["requester"], specialist, users["paramedic"]
            circle_personas = frozenset({"requester", "specialist", "paramedic", "coordinator"})
        else:
            gp, doctor = stranger_requester, stranger_specialist
            delegate = UserFactory(paramedic=True)
            circle_personas = frozenset({"coordinator"})
        pathway = PathwayFactory(
            patient=referral.patient,
            origin=referral,
            opened_by=doctor,
            circle=[(gp, "gp"), (doctor, "specialist"), (delegate, "delegate")],
        )
        pathway.referrals.add(referral)
        todo = PathwayTaskFactory(pathway=pathway, assignee=delegate, label=f"Appel J7 ({owner})")
        done = PathwayTaskFactory(
            pathway=pathway,
            assignee=delegate,
            label=f"Bilan J30 ({owner})",
            status="done",
            result="Kaliémie 6,1",
            out_of_range=True,
            done_at=now,
            done_by=delegate,
        )
        alert = PathwayAlert.objects.create(task=done, pathway=pathway, doctor=doctor)
        markers = referral_thing.markers
        add(
            "pathway",
            Thing(
                f"pathway ({owner})", {"pathway": str(pathway.public_id)}, circle_personas, markers
            ),
        )
        add(
            "pathway_task",
            Thing(
                f"task to do ({owner})",
                {"pathway_task": str(todo.public_id)},
                circle_personas,
                markers,
            ),
        )
        add(
            "pathway_alert",
            Thing(
                f"alert ({owner})",
                {"pathway_alert": str(alert.public_id)},
                circle_personas,
                markers,
            ),
        )

    # --- Case meetings (télé-RCP): "specialist" organises one with a paramedic who does not
    # follow its case's patient (the page must not name them to her); a stranger specialist
    # organises another. Coordinators see both.
    from meetings import services as meeting_services

    for owner, organiser in (("own", specialist), ("stranger", stranger_specialist)):
        meeting = meeting_services.meeting_create(
            by=organiser,
            title=f"RCP de contrôle ({owner})",
            specialty=specialty,
            starts_at=now + timedelta(days=5),
        )
        visible = {"coordinator"}
        if owner == "own":
            meeting_services.meeting_participant_add(
                meeting_id=meeting.pk, by=organiser, user=users["paramedic"]
            )
            visible |= {"specialist", "paramedic"}
        case = meeting_services.meeting_case_add(
            meeting_id=meeting.pk,
            by=organiser,
            question="Question posée à la RCP de contrôle",
            referral_public_id=referrals["accepted", owner].public_id,
        )
        ids = {"meeting": str(meeting.public_id), "meeting_case": str(case.public_id)}
        add("meeting", Thing(f"meeting ({owner})", ids, frozenset(visible)))
        add("meeting_case", Thing(f"case of the meeting ({owner})", ids, frozenset(visible)))

    # --- Trainings' management: each begun an hour ago (its attendance open), with a confirmed
    # registrant; "specialist" speaks at one, "other_specialist" at the other. The management and
    # the coordination manage both; a speaker takes the attendance of their own only.
    for owner, speaker in (("own", specialist), ("stranger", users["other_specialist"])):
        training = TrainingFactory(
            title=f"Formation de contrôle ({owner})",
            starts_at=now - timedelta(hours=1),
            organiser=manager,
        )
        training.speakers.add(speaker)
        RegistrationFactory(training=training)
        persona = "specialist" if owner == "own" else "other_specialist"
        add(
            "managed_training",
            Thing(
                f"training ({owner})",
                {"managed_training": str(training.public_id)},
                frozenset({"manager", "coordinator", persona}),
            ),
        )
    # --- Trainings: a published one is public; a draft and a cancelled one are seen by those
    # who run the ESS's events only.
    event_runners = frozenset({"manager", "coordinator"})
    for label, traits, visible in (
        ("published training", {}, frozenset(PERSONAS)),
        ("draft training", {"draft": True}, event_runners),
        ("cancelled training", {"cancelled": True}, event_runners),
    ):
        training = TrainingFactory(title=f"Formation de contrôle ({label})", **traits)
        add("training", Thing(label, {"training": str(training.public_id)}, visible))
    # --- Public-health campaigns: one shown publicly, one kept for the managers and
    # coordinators, each with an action whose counts only they record.
    from events.services import campaigns as campaign_services

    event_managers = frozenset({"manager", "coordinator"})
    for label, is_public in (("public", True), ("internal", False)):
        campaign = campaign_services.campaign_create(
            by=users["coordinator"],
            title=f"Campagne de contrôle ({label})",
            kind="screening",
            theme="Hypertension artérielle",
            target_population="Adultes de plus de 50 ans",
            starts_on=now.date() - timedelta(days=30),
            ends_on=now.date() + timedelta(days=30),
            is_public=is_public,
        )
        action = campaign_services.campaign_action_record(
            campaign_id=campaign.pk,
            by=users["coordinator"],
            title=f"Stand de contrôle ({label})",
            held_on=now.date(),
            people_reached=10,
        )
        ids = {"campaign": str(campaign.public_id), "campaign_action": str(action.public_id)}
        visible = frozenset(PERSONAS) if is_public else event_managers
        add("campaign", Thing(f"campaign ({label})", ids, visible))
        add("campaign_action", Thing(f"action of the campaign ({label})", ids, event_managers))
    # --- ETP programmes and residents: read by the management, the coordination and the
    # specialists, nobody else.
    from tests.factories import EtpSessionFactory, PlacementFactory, TrainingPlaceFactory

    activity_readers = frozenset({"manager", "coordinator", "specialist", "other_specialist"})
    etp_session = EtpSessionFactory()
    add(
        "etp_programme",
        Thing(
            "ETP programme",
            {"etp_programme": str(etp_session.programme.public_id)},
            activity_readers,
        ),
    )
    add(
        "etp_session",
        Thing("ETP session", {"etp_session": str(etp_session.public_id)}, activity_readers),
    )
    place = TrainingPlaceFactory(year=now.year, places=2)
    add(
        "training_place",
        Thing(
            "offer of a training place", {"training_place": str(place.public_id)}, activity_readers
        ),
    )
    add(
        "resident_supervisor",
        Thing(
            "supervisor of residents",
            {"resident_supervisor": str(place.supervisor.public_id)},
            activity_readers,
        ),
    )
    placement = PlacementFactory(
        place=place, starts_on=date(now.year, 11, 2), ends_on=date(now.year + 1, 5, 3)
    )
    add(
        "placement",
        Thing("placement of a resident", {"placement": str(placement.public_id)}, activity_readers),
    )

    # --- Funding: a grant and an expense with its receipt, the management's only; the
    # specialist's statement of paid time, theirs and the management's.
    from finance import services as finance_services
    from finance.models import ExpenseReceipt

    grant = finance_services.grant_save(
        by=manager,
        kind="operating",
        funder="ars",
        label="Dotation de contrôle",
        year=now.year,
        amount=Decimal("1000.00"),
    )
    add("grant", Thing("grant", {"grant": str(grant.public_id)}, frozenset({"manager"})))
    expense = finance_services.expense_create(
        by=manager,
        date=now.date(),
        category="running",
        label="Dépense de contrôle",
        amount=Decimal("10.00"),
    )
    ExpenseReceipt.objects.create(
        expense=expense,
        original_name="facture.txt",
        content_type="text/plain",
        size=7,
        sha256="0" * 64,
        file=ContentFile(b"facture", name="finance/controle"),
    )
    add("expense", Thing("expense", {"expense": str(expense.public_id)}, frozenset({"manager"})))
    add(
        "paid_time_statement",
        Thing(
            "statement of paid time",
            {"member": str(specialist.public_id)},
            frozenset({"manager", "specialist"}),
        ),
    )
    # --- Association life: a planned assembly (the management's only), a convened one and a
    # held one, read by the members ("specialist" and "other_specialist" hold active
    # memberships); the fee of the registry's year.
    from association import services as association_services
    from association.models import GeneralAssembly
    from tests.security.access_registry import FEE_YEAR

    association_readers = frozenset({"manager", "specialist", "other_specialist"})
    for label, starts, steps, visible in (
        ("planned", now + timedelta(days=40), (), frozenset({"manager"})),
        ("convened", now + timedelta(days=20), ("convene",), association_readers),
        ("held", now - timedelta(days=2), ("convene", "hold"), association_readers),
    ):
        # Convened while to come, then its date reached (a past assembly is not convened).
        assembly = association_services.assembly_create(
            by=manager,
            starts_at=max(starts, now + timedelta(days=1)),
            place="Salle de contrôle",
            agenda=f"Ordre du jour de contrôle ({label})",
        )
        for step in steps:
            if step == "hold":
                GeneralAssembly.objects.filter(pk=assembly.pk).update(starts_at=starts)
            getattr(association_services, f"assembly_{step}")(assembly_id=assembly.pk, by=manager)
        kind = "held_assembly" if label == "held" else "assembly"
        add(kind, Thing(f"{label} assembly", {"assembly": str(assembly.public_id)}, visible))
    association_services.fee_year_set(by=manager, year=FEE_YEAR, amount="30")
    # --- A platform connected to the FHIR interface: the management's only.
    from interop.platforms import register_platform

    platform, _token = register_platform(name="Plateforme de contrôle", scopes=["slots"])
    add(
        "platform", Thing("platform", {"platform": str(platform.public_id)}, frozenset({"manager"}))
    )

    extra["specialty"] = str(specialty.pk)
    extra["other_specialist"] = str(users["other_specialist"].pk)
    extra["random"] = str(uuid.uuid4())
    return World(users=users, things=things, extra=extra)
