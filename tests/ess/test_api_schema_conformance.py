"""Every API endpoint answers what /api/schema/ says: real responses, fetched as the personas who
may see them and with data that fills the nullable fields both ways, are validated against the
published OpenAPI document by openapi-core. An operation of the schema that no call below covers
fails the test, so a new endpoint comes with its check."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from rest_framework.test import APIClient

from ess.models import Notification, Specialty, Team
from members.models import Profession
from partners import services as partner_services
from pathways import services as pathway_services
from projet_sante.indicators.services import indicator_target_set
from projet_sante.project import services as project
from referrals import services as referral_services
from scheduling.models import OnCallDuty, OnCallShift
from tests.factories import (
    CampaignActionFactory,
    CampaignFactory,
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    ConventionFactory,
    EtpProgrammeFactory,
    EtpSessionFactory,
    MembershipFactory,
    PartnerFactory,
    PathwayAlertFactory,
    PathwayFactory,
    ProtocolFactory,
    ReferralFactory,
    RegistrationFactory,
    SlotFactory,
    TrainingFactory,
    UserFactory,
    heart_failure_plan,
    valid_nir,
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n166\n%%EOF\n"
)
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def pdf(name="ecg.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class Checker:
    """Calls the API as a persona and validates each answer against the schema."""

    def __init__(self, schema: dict):
        self.schema = schema
        self.openapi = OpenAPI.from_dict(schema)
        self.covered: set[tuple[str, str]] = set()
        self.failures: list[str] = []

    def call(
        self, user, method, template, expect, *, data=None, fmt="json", headers=None, **params
    ):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        path = template.format(**params)
        if method == "get":
            response = client.get(path, data, **(headers or {}))
        else:
            response = getattr(client, method)(path, data, format=fmt, **(headers or {}))
        self.covered.add((method, template))
        who = ", ".join(sorted(user.roles)) if user else "anonymous"
        where = f"{method.upper()} {path} as {who}"
        if response.status_code != expect:
            self.failures.append(f"{where}: {response.status_code} ≠ {expect} {response.content!r}")
            return response
        content_type = response.get("Content-Type", "application/json").split(";")[0]
        try:
            self.openapi.validate_response(
                MockRequest(
                    "http://testserver", method, path, args=data if method == "get" else None
                ),
                MockResponse(
                    response.content, status_code=response.status_code, content_type=content_type
                ),
            )
        except Exception as exc:  # report every mismatch, not only the first
            self.failures.append(f"{where}: {_explain(exc)}")
        return response

    def operations(self) -> set[tuple[str, str]]:
        return {
            (method, path)
            for path, item in self.schema["paths"].items()
            for method in item
            if method in HTTP_METHODS
        }


def _explain(exc) -> str:
    """The schema errors behind an openapi-core failure, without the whole response body."""
    errors = getattr(exc, "schema_errors", None) or getattr(
        getattr(exc, "__cause__", None), "schema_errors", None
    )
    if not errors:
        return f"{type(exc).__name__}: {str(exc)[:300]}"
    return "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors)


@pytest.fixture
def checker(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return Checker(response.json())


@pytest.fixture
def world(db, territory):
    cardiology, _ = Specialty.objects.get_or_create(
        code="cardiologie", defaults={"label": "Cardiologie"}
    )
    team, _ = Team.objects.get_or_create(pk=1, defaults={"name": "ESS test", "short_name": "ESS"})
    team.specialties.add(cardiology)
    w = {
        "requester": UserFactory(requester=True),
        "coordinator": UserFactory(coordinator=True),
        "specialist": UserFactory(specialist=True),
        "manager": UserFactory(manager=True),
        "authority": UserFactory(authority=True),
    }
    MembershipFactory(active=True)
    # A member without a specialty (an advanced-practice nurse): `specialty` is null.
    MembershipFactory(active=True, profession=Profession.ADVANCED_NURSE, specialty=None)
    return w


def test_every_api_response_matches_the_schema(checker, world):
    c = checker
    requester, coordinator, specialist = (
        world["requester"],
        world["coordinator"],
        world["specialist"],
    )
    manager, authority = world["manager"], world["authority"]

    # --- Who am I, communes, directory ---------------------------------------------------------
    c.call(requester, "get", "/api/v1/me/", 200)
    c.call(coordinator, "get", "/api/v1/me/", 200)  # no organisation, no specialty: nulls
    c.call(specialist, "get", "/api/v1/me/", 200)
    c.call(requester, "get", "/api/v1/communes/", 200, data={"q": "orl"})
    members = c.call(requester, "get", "/api/v1/members/", 200).json()["results"]
    c.call(requester, "get", "/api/v1/members/{id}/", 200, id=members[0]["id"])

    # --- Referrals: a submitted one (nulls everywhere), then every transition --------------------
    body = {
        "patient": {
            "ins": valid_nir("2690545234123"),
            "birth_name": "Durand",
            "first_names": "Jeanne",
            "sex": "F",
            "birth_date": "1969-05-12",
            "commune": "45234",
            "phone": "0612345678",
        },
        "specialty": "cardiologie",
        "question": "Palpitations : avis ?",
        "urgency": "P2",
        "consent": True,
    }
    key = {"HTTP_IDEMPOTENCY_KEY": "essai-1"}
    created = c.call(requester, "post", "/api/v1/referrals/", 201, data=body, headers=key).json()
    c.call(requester, "post", "/api/v1/referrals/", 200, data=body, headers=key)  # a retry
    c.call(requester, "get", "/api/v1/referrals/", 200)
    c.call(requester, "get", "/api/v1/referrals/{id}/", 200, id=created["id"])
    c.call(
        requester,
        "post",
        "/api/v1/referrals/{id}/messages/",
        201,
        id=created["id"],
        data={"body": "ECG joint.", "files": [pdf()]},
        fmt="multipart",
    )
    c.call(requester, "get", "/api/v1/referrals/{id}/messages/", 200, id=created["id"])
    c.call(
        requester,
        "post",
        "/api/v1/referrals/{id}/attachments/",
        201,
        id=created["id"],
        data={"files": [pdf("bio.pdf")]},
        fmt="multipart",
    )
    c.call(requester, "get", "/api/v1/referrals/{id}/attachments/", 200, id=created["id"])

    asked = ReferralFactory(requester=requester)
    c.call(
        coordinator,
        "post",
        "/api/v1/referrals/{id}/request-info/",
        200,
        id=asked.public_id,
        data={"question": "Traitement en cours ?"},
    )
    c.call(
        requester,
        "post",
        "/api/v1/referrals/{id}/provide-info/",
        200,
        id=asked.public_id,
        data={"answer": "Amlodipine 5 mg."},
    )
    c.call(
        coordinator,
        "post",
        "/api/v1/referrals/{id}/triage/",
        200,
        id=created["id"],
        data={"priority": "P2", "response_mode": "teleexpertise_async"},
    )
    c.call(specialist, "post", "/api/v1/referrals/{id}/accept/", 200, id=created["id"])
    c.call(
        specialist,
        "post",
        "/api/v1/referrals/{id}/schedule/",
        200,
        id=created["id"],
        data={"starts_at": (timezone.now() + timedelta(days=2)).isoformat(), "location": "Cabinet"},
    )
    c.call(
        specialist,
        "post",
        "/api/v1/referrals/{id}/complete/",
        200,
        id=created["id"],
        data={"answer": "Holter de 24 h.", "recommended_actions": "Revoir à 3 mois."},
    )
    c.call(coordinator, "get", "/api/v1/referrals/", 200)  # nulls and values side by side
    c.call(coordinator, "get", "/api/v1/referrals/{id}/", 200, id=created["id"])

    declined = ReferralFactory(triaged=True)
    referral_services.referral_accept(referral_id=declined.pk, by=specialist)
    c.call(
        specialist,
        "post",
        "/api/v1/referrals/{id}/decline/",
        200,
        id=declined.public_id,
        data={"reason": "Absent cette semaine."},
    )
    c.call(
        coordinator,
        "post",
        "/api/v1/referrals/{id}/reorient/",
        200,
        id=ReferralFactory().public_id,
        data={"target": "Urgences du CHR", "reason": "Douleur thoracique."},
    )
    c.call(
        requester,
        "post",
        "/api/v1/referrals/{id}/cancel/",
        200,
        id=ReferralFactory(requester=requester).public_id,
        data={"reason": "Vu en consultation."},
    )

    # --- Notifications (unread and read) ---------------------------------------------------------
    notes = Notification.objects.filter(recipient=requester)
    assert notes.count() >= 2
    c.call(
        requester,
        "post",
        "/api/v1/notifications/{public_id}/read/",
        204,
        public_id=notes.first().public_id,
    )
    c.call(requester, "get", "/api/v1/notifications/", 200)

    # --- Advanced consultations (one without a specialist yet) -----------------------------------
    session = ConsultationSessionFactory(site=ConsultationSiteFactory())
    ConsultationSessionFactory(site=session.site, specialist=None, status="draft")
    c.call(coordinator, "get", "/api/v1/consultation-sessions/", 200)
    c.call(coordinator, "get", "/api/v1/consultation-sessions/{id}/", 200, id=session.public_id)
    advanced = ReferralFactory(triaged=True, response_mode="advanced_consultation")
    c.call(
        coordinator,
        "post",
        "/api/v1/consultation-sessions/{id}/book/",
        201,
        id=session.public_id,
        data={"referral": str(advanced.public_id)},
    )

    # --- A specialist's slot: booked for a consultation, refused to a télé-expertise -----------
    slot = SlotFactory(specialist=specialist)
    c.call(
        coordinator,
        "post",
        "/api/v1/referrals/{id}/book-slot/",
        200,
        id=ReferralFactory().public_id,
        data={"slot": str(slot.public_id)},
    )
    c.call(
        coordinator,
        "post",
        "/api/v1/referrals/{id}/book-slot/",
        409,
        id=ReferralFactory(triaged=True).public_id,
        data={"slot": str(SlotFactory(specialist=specialist).public_id)},
    )

    # --- On-call shifts --------------------------------------------------------------------------
    start = timezone.now() + timedelta(days=1)
    shift = OnCallShift.objects.create(
        specialty=specialist.specialty, starts_at=start, ends_at=start + timedelta(hours=5)
    )
    OnCallDuty.objects.create(shift=shift, specialist=specialist, rank=1)
    c.call(coordinator, "get", "/api/v1/on-call-shifts/", 200)
    c.call(specialist, "get", "/api/v1/on-call-shifts/{id}/", 200, id=shift.public_id)

    # --- Partners and conventions, through every transition --------------------------------------
    PartnerFactory(commune_id=None)
    partners = c.call(manager, "get", "/api/v1/partners/", 200).json()["results"]
    c.call(manager, "get", "/api/v1/partners/{id}/", 200, id=partners[0]["id"])
    today = timezone.localdate()
    draft = ConventionFactory()
    c.call(
        manager, "post", "/api/v1/conventions/{id}/submit-for-negotiation/", 200, id=draft.public_id
    )
    partner_services.convention_document_add(
        convention_id=draft.pk, by=manager, doc_type="signed", upload=pdf("signee.pdf")
    )
    c.call(
        manager,
        "post",
        "/api/v1/conventions/{id}/sign/",
        200,
        id=draft.public_id,
        data={
            "signed_on": today.isoformat(),
            "effective_on": (today + timedelta(days=10)).isoformat(),
        },
    )
    pending = ConventionFactory(status="signed", signed_on=today, effective_on=today)
    c.call(manager, "post", "/api/v1/conventions/{id}/activate/", 200, id=pending.public_id)
    ended = ConventionFactory(active=True, end_on=today - timedelta(days=1))
    c.call(manager, "post", "/api/v1/conventions/{id}/expire/", 200, id=ended.public_id)
    c.call(
        manager,
        "post",
        "/api/v1/conventions/{id}/terminate/",
        200,
        id=ConventionFactory(active=True).public_id,
        data={"reason": "Fin du partenariat."},
    )
    c.call(manager, "get", "/api/v1/conventions/", 200)
    c.call(manager, "get", "/api/v1/conventions/{id}/", 200, id=draft.public_id)

    # --- Indicators (exact for managers, masked for the authority), one with a target ---------
    indicator_target_set(
        code="p2_within_due_pct", value=Decimal("80"), comparison="gte", by=manager
    )
    c.call(manager, "get", "/api/v1/indicators/", 200)
    c.call(authority, "get", "/api/v1/indicators/", 200)

    # --- Health project: submitted, commented, sent back, submitted again, validated -------------
    version = project.version_start(by=manager)
    project.section_update(version_id=version.pk, key="diagnostic", by=manager, body="Loiret.")
    mission = project.mission_save(
        version_id=version.pk, by=manager, kind="core_1", title="Avis sous 48 h", description=""
    )
    project.action_save(
        version_id=version.pk,
        mission_id=mission.pk,
        by=manager,
        title="Ouvrir la télé-expertise",
        owner=manager,
        status="in_progress",
        progress=40,
        indicator_codes=[],
    )
    c.call(manager, "get", "/api/v1/project-versions/", 200)
    c.call(manager, "get", "/api/v1/project-versions/{id}/", 200, id=version.public_id)
    c.call(manager, "post", "/api/v1/project-versions/{id}/submit/", 200, id=version.public_id)
    c.call(
        authority,
        "post",
        "/api/v1/project-versions/{id}/comments/",
        201,
        id=version.public_id,
        data={"section": "diagnostic", "body": "Précisez la démographie."},
    )
    c.call(
        authority,
        "post",
        "/api/v1/project-versions/{id}/request-revision/",
        200,
        id=version.public_id,
        data={"reason": "Chiffres à jour."},
    )
    project.version_submit(version_id=version.pk, by=manager)
    c.call(
        authority,
        "post",
        "/api/v1/project-versions/{id}/validate/",
        200,
        id=version.public_id,
        data={"note": ""},
    )
    c.call(  # the CPAM's signature, after the ARS's, validates it
        UserFactory(authority=True, institution="cpam"),
        "post",
        "/api/v1/project-versions/{id}/validate/",
        200,
        id=version.public_id,
        data={"note": ""},
    )
    c.call(authority, "get", "/api/v1/project-versions/", 200)

    # Care pathways: one under a protocol opened from a referral (an alert waiting), one
    # without either (an alert answered).
    ipa = UserFactory(paramedic=True)
    protocol = ProtocolFactory(delegating_doctors=[specialist], delegates=[ipa])
    heart_failure_plan(protocol)
    answered = ReferralFactory(
        requester=requester,
        status="completed",
        specialist=specialist,
        answer="Suivi IPA selon le protocole IC.",
        completed_at=timezone.now(),
    )
    pathway = pathway_services.pathway_open(
        by=specialist,
        referral=answered,
        title="Suivi IPA selon le protocole IC",
        protocol=protocol,
        delegate=ipa,
        started_on=timezone.localdate() - timedelta(days=8),
    )
    d7, d14 = pathway.tasks.order_by("due_on")[:2]
    pathway_services.task_record(task_id=d7.pk, by=ipa, result="+3 kg", out_of_range=True)
    bare = PathwayFactory(circle=[(specialist, "specialist")])
    PathwayAlertFactory(answered=True, task__pathway=bare, doctor=specialist)
    c.call(coordinator, "get", "/api/v1/pathways/", 200)
    c.call(specialist, "get", "/api/v1/pathways/{id}/", 200, id=pathway.public_id)
    c.call(coordinator, "get", "/api/v1/pathways/{id}/", 200, id=bare.public_id)
    c.call(ipa, "get", "/api/v1/pathways/tasks/", 200)
    c.call(
        ipa,
        "post",
        "/api/v1/pathways/tasks/{id}/record/",
        200,
        id=d14.public_id,
        data={"result": "Tension 12/7.", "out_of_range": False},
    )
    for action, data in (("pause", {"note": ""}), ("resume", {}), ("close", {"reason": "Fin."})):
        c.call(
            specialist,
            "post",
            f"/api/v1/pathways/{{id}}/{action}/",
            200,
            id=pathway.public_id,
            data=data,
        )

    # --- Events: a training with a specialty and a speaker, one without (nulls); a campaign with
    # actions, one without; an ETP programme with its coordinator and sessions, one without --
    with_all = TrainingFactory()
    with_all.speakers.add(specialist)
    RegistrationFactory(training=with_all)
    bare_training = TrainingFactory(specialty=None, draft=True)
    c.call(requester, "get", "/api/v1/events/", 200, data={"kind": "evening"})
    c.call(coordinator, "get", "/api/v1/events/{id}/", 200, id=with_all.public_id)
    c.call(coordinator, "get", "/api/v1/events/{id}/", 200, id=bare_training.public_id)
    CampaignActionFactory(campaign__specialty=Specialty.objects.get(code="cardiologie"))
    CampaignFactory()
    campaigns = c.call(requester, "get", "/api/v1/events/campaigns/", 200).json()["results"]
    for campaign in campaigns:
        c.call(requester, "get", "/api/v1/events/campaigns/{id}/", 200, id=campaign["id"])
    EtpSessionFactory(programme__coordinator=specialist)
    bare_programme = EtpProgrammeFactory(specialty=None)
    c.call(specialist, "get", "/api/v1/events/etp-programmes/", 200)
    c.call(
        specialist, "get", "/api/v1/events/etp-programmes/{id}/", 200, id=bare_programme.public_id
    )

    assert not c.failures, "\n".join(c.failures)
    assert c.operations() - c.covered == set(), "operations without a conformance check"


def test_error_answers_match_the_schema_too(checker, world):
    """401, 403, 404, 400 and 409 bodies are documented ({detail} or messages per field)."""
    c = checker
    requester, specialist = world["requester"], world["specialist"]
    hidden = ReferralFactory()
    taken = ReferralFactory(triaged=True)
    referral_services.referral_accept(referral_id=taken.pk, by=UserFactory(specialist=True))

    c.call(None, "get", "/api/v1/referrals/", 401)
    c.call(None, "post", "/api/v1/referrals/{id}/accept/", 401, id=hidden.public_id)
    c.call(requester, "get", "/api/v1/indicators/", 403)
    c.call(requester, "get", "/api/v1/project-versions/", 403)
    c.call(requester, "get", "/api/v1/referrals/{id}/", 404, id=hidden.public_id)
    c.call(requester, "get", "/api/v1/referrals/{id}/messages/", 404, id=hidden.public_id)
    c.call(requester, "post", "/api/v1/referrals/", 400, data={"patient": {"sex": "X"}})
    c.call(
        requester,
        "post",
        "/api/v1/referrals/",
        400,
        data="[" * 50 + "]" * 50,
        fmt=None,
        headers={"content_type": "application/json"},
    )
    c.call(specialist, "post", "/api/v1/referrals/{id}/accept/", 409, id=taken.public_id)
    c.call(requester, "get", "/api/v1/consultation-sessions/", 400, data={"date_from": "hier"})
    c.call(requester, "get", "/api/v1/pathways/{id}/", 404, id=PathwayFactory().public_id)
    c.call(requester, "get", "/api/v1/pathways/", 400, data={"status": "perdu"})
    c.call(requester, "get", "/api/v1/events/", 400, data={"kind": "banquet"})
    c.call(requester, "get", "/api/v1/events/{id}/", 404, id=TrainingFactory(draft=True).public_id)
    c.call(
        requester,
        "get",
        "/api/v1/events/etp-programmes/{id}/",
        404,
        id=EtpProgrammeFactory().public_id,
    )

    assert not c.failures, "\n".join(c.failures)
