"""Who may use each URL of the platform: the one place that says it, read by the authorisation
matrix (tests/security/test_authorisation_matrix.py).

Every URL pattern of `ess.urls` and every operation of the OpenAPI schema must be classified
here; a new one fails the matrix until someone writes down who may use it:

- `PUBLIC`: anyone, without signing in;
- `TOKEN`: no sign-in, a secret in the URL is the credential (email links, calendar feeds);
- `SIGNED_IN`: any signed-in user (what they get is limited to their own data or by `obj`);
- `roles(Role.X, …)`: the holders of these roles;
- `ADMIN`: Django's admin, for `is_staff` superusers only (no persona is one).

An object URL also names, with `obj`, the kind of object whose visibility governs it (see
tests/security/world.py: a referral in a given state, a partner's document, a draft project
version…) and, with `ids`, which of the object's ids goes in which URL argument. The matrix then
sends every persona not allowed by the rule, and every allowed persona on the objects they must
not see, to the URL with every method, and expects a refusal that changes nothing, carries no
patient data and does not reveal that the object exists.
"""

import uuid
from dataclasses import dataclass, field

from ess.roles import Role

# Personas and the roles they hold (tests/conftest.py has a fixture for each).
PERSONA_ROLES: dict[str, frozenset[str]] = {
    "anonymous": frozenset(),
    "requester": frozenset({Role.REQUESTER}),
    "other_requester": frozenset({Role.REQUESTER}),
    "coordinator": frozenset({Role.COORDINATOR}),
    "specialist": frozenset({Role.SPECIALIST}),
    "other_specialist": frozenset({Role.SPECIALIST}),
    "paramedic": frozenset({Role.PARAMEDIC}),
    "manager": frozenset({Role.MANAGER}),
    "authority": frozenset({Role.AUTHORITY}),
}


@dataclass(frozen=True)
class Who:
    kind: str  # public, token, signed_in, roles, admin
    roles: frozenset[str] = frozenset()

    def allows(self, persona: str) -> bool:
        if self.kind in ("public", "token"):
            return True
        if self.kind == "signed_in":
            return persona != "anonymous"
        if self.kind == "roles":
            return bool(PERSONA_ROLES[persona] & self.roles)
        return False  # admin (no persona is staff), nobody

    def __str__(self) -> str:
        if self.kind == "roles":
            return "+".join(sorted(self.roles))
        return self.kind


NOBODY = Who("nobody")  # an API method the schema does not list
PUBLIC = Who("public")
TOKEN = Who("token")
SIGNED_IN = Who("signed_in")
ADMIN = Who("admin")
# Registered outside platforms only (interop/models.py Platform: a token or a client certificate,
# never a session): every persona is refused.
PLATFORM = Who("platform")


def roles(*names: Role) -> Who:
    return Who("roles", frozenset(names))


MANAGER = roles(Role.MANAGER)
COORDINATOR = roles(Role.COORDINATOR)
SPECIALIST = roles(Role.SPECIALIST)
REQUESTER = roles(Role.REQUESTER)
AUTHORITY = roles(Role.AUTHORITY)
REVIEW = roles(Role.MANAGER, Role.AUTHORITY)  # the health project's two sides, reports
STAFF_AND_AUTHORITY = roles(  # partners, conventions, the health project (validated versions)
    Role.MANAGER, Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC, Role.AUTHORITY
)
MEMBERS = roles(Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC, Role.MANAGER)
DIRECTORY = roles(Role.REQUESTER, *MEMBERS.roles)  # every professional, not the ARS/CPAM
CONSULTATION_TEAM = roles(Role.MANAGER, Role.COORDINATOR, Role.SPECIALIST)
# Care pathways: the professionals of care circles and the coordination (each pathway is shown
# only to its circle and the coordinators: the objects of tests/security/world.py say whose).
CARE_CIRCLE = roles(Role.REQUESTER, Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC)
PATHWAY_STEERING = roles(Role.COORDINATOR, Role.SPECIALIST)  # status, circle, tasks' cancelling
PARAMEDIC = roles(Role.PARAMEDIC)
# Advanced consultations with the paramedics who run nurse-led ones under a protocol.
CONSULTATIONS = roles(*CONSULTATION_TEAM.roles, Role.PARAMEDIC)
MEETING_ORGANISERS = roles(Role.COORDINATOR, Role.SPECIALIST)  # a meeting's organiser is one
EVENT_MANAGERS = roles(Role.MANAGER, Role.COORDINATOR)  # trainings, campaigns, ETP, residents
# The ETP programmes and the residents are read by the specialists too (events/permissions.py).
ACTIVITY_READERS = roles(Role.MANAGER, Role.COORDINATOR, Role.SPECIALIST)

REFERRAL_ANY_STATE = (
    "referral.submitted",
    "referral.triaged",
    "referral.accepted",
    "referral.info_requested",
    "referral.completed",
)


@dataclass(frozen=True)
class Access:
    """Who may use a URL, per HTTP method. For HTML pages GET and POST are both probed (a read
    page must refuse a POST just as well); for the API, the methods are the schema's."""

    methods: dict[str, Who]
    obj: tuple[str, ...] = ()  # kinds of objects (tests/security/world.py) the URL names
    ids: dict[str, str] = field(default_factory=dict)  # URL argument → the object's id name
    fixed: tuple[dict[str, str], ...] = ({},)  # other URL arguments (slugs), one probe each
    body: dict | None = None  # a plausible POST body when the generic one does not fit
    upload: str | None = None  # POST as multipart with a PDF in this field
    bad_token_refused: bool = True  # TOKEN: a wrong token answers 404 (not a 200 "link invalid")
    query: dict[str, str] | None = None  # read with this query string (a search for patients)
    # A refusal answers 401/403/404/405/409, or sends the signed-out to sign in; a URL that
    # answers a refusal with another redirect says so here (and why).
    refuses_by_redirect: bool = False
    note: str = ""


def page(who: Who, *, post: Who | None = None, obj=(), **kwargs) -> Access:
    """An HTML URL: `who` for GET (and POST unless `post` says otherwise)."""
    return Access({"GET": who, "POST": post or who}, obj=_kinds(obj), **kwargs)


def api(methods: dict[str, Who], *, obj=(), **kwargs) -> Access:
    return Access(methods, obj=_kinds(obj), **kwargs)


def _kinds(obj) -> tuple[str, ...]:
    return (obj,) if isinstance(obj, str) else tuple(obj)


# The name of a kind's own id in tests/security/world.py, where it is not the kind's name.
OWN_ID = {
    "consultation_site": "site",
    "consultation_plan": "plan",
    "consultation_session": "session",
    "opening_range": "range",
    "day_sheet": "session",
    "on_call_shift": "shift",
    "on_call_duty": "shift",
    "governance_role": "role",
    "directory_entry": "membership",
    "project_version": "version",
    "convention_document": "document",
    "paid_time_statement": "member",
}


def on(kind, url_arg: str = "public_id", **more: str) -> dict:
    """`obj=` and `ids=` for a URL whose main argument (`url_arg`) is the object's own id."""
    kinds = _kinds(kind)
    base = kinds[0].split(".")[0]
    return {"obj": kinds, "ids": {url_arg: OWN_ID.get(base, base), **more}}


# The year of the membership fee that tests/security/world.py sets.
FEE_YEAR = "2030"

# A registration's link that leads nowhere (its public_id is the link's secret).
UNKNOWN_REGISTRATION = uuid.UUID("6f1c2d3e-0000-4000-8000-00000000e7e9")

# A valid referral (DESIGN.md §8): a refusal then comes from the actor check, not from a 400.
REFERRAL_BODY = {
    "patient": {
        "birth_name": "Contrôle",
        "first_names": "Accès",
        "sex": "F",
        "birth_date": "1969-05-12",
        "commune": "45234",
        "phone": "0612345678",
    },
    "specialty": "cardiologie",
    "question": "Avis sur un souffle ?",
    "urgency": "P3",
    "consent": True,
}

# ---------------------------------------------------------------------------------------------
# The registry: URL name (namespace:name) → who may use it. A key ending in "/*" classifies
# every URL under that path (a tree a third-party app generates, one page per model).
# ---------------------------------------------------------------------------------------------
REGISTRY: dict[str, Access] = {
    # --- Core ---------------------------------------------------------------------------------
    "home": page(PUBLIC, note="the public front page; signed in, each role's home"),
    "healthz": page(PUBLIC, note="probe: database and Redis status only"),
    "fhir:metadata": page(PUBLIC, note="the FHIR CapabilityStatement: no data"),
    "fhir:transaction": page(
        PLATFORM, note="a télé-expertise request as a transaction Bundle (scope teleexpertise)"
    ),
    "fhir:servicerequest": page(PLATFORM, note="the status search, the platform's own requests"),
    "fhir:servicerequest_read": page(
        PLATFORM, **on(REFERRAL_ANY_STATE, "referral_id"), note="the platform's own requests"
    ),
    "fhir:diagnosticreport": page(PLATFORM, note="the answer search, the platform's own requests"),
    "fhir:diagnosticreport_read": page(
        PLATFORM, **on(REFERRAL_ANY_STATE, "referral_id"), note="the platform's own answers"
    ),
    "interop:platforms": page(MANAGER),
    "interop:platform_token": page(MANAGER, **on("platform")),
    "interop:platform_revoke": page(MANAGER, **on("platform")),
    # Free places members opened to the SAS: platforms with the `slots` scope, no patient data.
    "fhir:slot_search": page(PLATFORM),
    "fhir:slot_read": page(PLATFORM, fixed=({"id": "0b6f3c5e-52a4-4d8e-9a51-2f1d6a7e8c90"},)),
    "fhir:schedule_search": page(PLATFORM),
    "fhir:schedule_read": page(PLATFORM, fixed=({"id": "0b6f3c5e-52a4-4d8e-9a51-2f1d6a7e8c91"},)),
    "commune_options": page(PUBLIC, note="reference data for the public application form"),
    "commune_search": page(PUBLIC, note="the commune pickers' suggestions (reference data)"),
    "audit_list": page(MANAGER),
    "audit_export_ndjson": page(MANAGER, note="the trail as FHIR NDJSON, the /audit/ page's rule"),
    "fhir:auditevent-search": page(
        MANAGER, note="the trail as FHIR AuditEvent: the /audit/ page's rule, never a platform"
    ),
    "notification_list": page(SIGNED_IN, note="the caller's own notifications"),
    "notification_read_all": page(SIGNED_IN, note="marks the caller's own notifications"),
    "notification_read": page(
        SIGNED_IN,
        **on("notification"),
        refuses_by_redirect=True,
        note="marks the caller's own notification, if it is one, then the list",
    ),
    "notification_preferences": page(SIGNED_IN, note="the caller's own preferences"),
    "api_tokens": page(SIGNED_IN, note="the caller's own API tokens (list, create)"),
    "api_token_revoke": page(SIGNED_IN, **on("api_token"), note="the caller's own token only"),
    # --- Members ------------------------------------------------------------------------------
    "members:invitation_list": page(MANAGER),
    "members:invitation_create": page(MANAGER),
    "members:invitation_revoke": page(MANAGER, **on("invitation")),
    "members:authority_list": page(MANAGER),
    "members:authority_institution": page(
        MANAGER, **on("authority_account"), body={"institution": "cpam"}
    ),
    "members:invitation_accept": page(TOKEN, fixed=({"token": "not-a-token"},)),
    "members:apply": page(PUBLIC, note="the public membership application (throttled)"),
    "members:apply_sent": page(PUBLIC),
    "members:apply_again": page(TOKEN, fixed=({"token": "not-a-token"},)),
    "members:activate": page(TOKEN, fixed=({"token": "not-a-token"},)),
    "members:registration": page(PUBLIC, note="self-registration of professionals (throttled)"),
    "members:registration_sent": page(PUBLIC),
    "members:registration_confirm": page(TOKEN, fixed=({"token": "not-a-token"},)),
    "members:registration_list": page(COORDINATOR),
    "members:registration_accept": page(COORDINATOR, **on("registration")),
    "members:registration_refuse": page(COORDINATOR, **on("registration")),
    "members:membership_list": page(MANAGER),
    "members:membership_import": page(MANAGER),
    "members:membership_detail": page(SIGNED_IN, **on("membership"), note="own, or managers"),
    "members:membership_validate": page(MANAGER, **on("membership")),
    "members:membership_request_changes": page(MANAGER, **on("membership")),
    "members:membership_refuse": page(MANAGER, **on("membership")),
    "members:membership_suspend": page(MANAGER, **on("membership")),
    "members:membership_reinstate": page(MANAGER, **on("membership")),
    "members:membership_leave": page(SIGNED_IN, **on("membership"), note="own, or managers"),
    "members:membership_changes_approve": page(MANAGER, **on("membership")),
    "members:membership_changes_reject": page(MANAGER, **on("membership")),
    "members:profile": page(SIGNED_IN, note="the caller's own membership, 404 without one"),
    "members:organisation": page(MEMBERS, post=MANAGER),
    "members:governance_end": page(MANAGER, **on("governance_role")),
    "members:representativeness": page(MANAGER),
    "members:directory": page(DIRECTORY),
    "members:directory_export": page(MANAGER),
    "members:directory_public": page(PUBLIC, note="only what members chose to publish"),
    "scheduling:availability": page(SPECIALIST),
    "scheduling:slot_delete": page(SPECIALIST, **on("slot"), note="the specialist's own slots"),
    "scheduling:slot_sas": page(SPECIALIST, **on("slot"), note="the specialist's own slots"),
    "scheduling:absence_create": page(
        SPECIALIST,
        body={"absence-starts_on": "2031-01-05", "absence-ends_on": "2031-01-06"},
    ),
    "scheduling:absence_delete": page(SPECIALIST, **on("absence")),
    "scheduling:opening_hours": page(MANAGER),
    "scheduling:opening_range_add": page(
        MANAGER,
        body={"range-weekday": "6", "range-opens_at": "14:00", "range-closes_at": "16:00"},
    ),
    "scheduling:opening_range_delete": page(MANAGER, **on("opening_range")),
    "scheduling:closure_add": page(
        MANAGER,
        body={
            "closure-starts_on": "2031-08-01",
            "closure-ends_on": "2031-08-15",
            "closure-reason": "Fermeture estivale",
        },
    ),
    "scheduling:closure_delete": page(MANAGER, **on("closure")),
    "referrals:slot_book": page(COORDINATOR, **on("referral.submitted")),
    "referrals:booking_cancel": page(COORDINATOR, **on("referral.triaged")),
    # --- Referrals ----------------------------------------------------------------------------
    # The start of every test patient's name: the search must still find only the caller's.
    "referrals:list": page(REQUESTER, query={"q": "QZXNOM"}),
    "referrals:create": page(REQUESTER),
    "referrals:patient_prefill": Access(
        {"GET": NOBODY, "POST": REQUESTER},
        body={"ins": "269054958815726"},
        note="fills the form from the caller's own referrals' patients only; 204 otherwise",
    ),
    "referrals:create_without_account": page(
        PUBLIC, note="public request form (throttled); held until its emailed link is followed"
    ),
    "referrals:without_account_sent": page(PUBLIC),
    "referrals:confirm_without_account": page(TOKEN, fixed=({"token": "not-a-token"},)),
    # The answer for a professional without an account: the signed link, then their RPPS.
    "referrals:answer_without_account": page(TOKEN, fixed=({"token": "not-a-token"},)),
    "referrals:answer_without_account_attachment": page(
        TOKEN,
        fixed=({"token": "not-a-token", "attachment_id": "00000000-0000-4000-8000-000000000000"},),
    ),
    "referrals:record": page(COORDINATOR, note="requests received by phone, fax or mail"),
    "referrals:immediate": page(REQUESTER, note="an immediate opinion of the specialist on call"),
    "referrals:immediate_callback": page(
        SPECIALIST, **on("referral.triaged"), note="the specialist it was offered or escalated to"
    ),
    "referrals:immediate_video": page(
        SPECIALIST, **on("referral.triaged"), note="the specialist it was offered or escalated to"
    ),
    "referrals:detail": page(SIGNED_IN, **on(REFERRAL_ANY_STATE)),
    "referrals:cancel": page(REQUESTER, **on("referral.submitted")),
    "referrals:provide_info": page(REQUESTER, **on("referral.info_requested")),
    "referrals:message": page(SIGNED_IN, **on("referral.accepted"), note="whoever sees it"),
    "referrals:feedback": page(REQUESTER, **on("referral.completed")),
    "referrals:attachment": page(
        SIGNED_IN, obj=("attachment",), ids={"public_id": "referral", "attachment_id": "attachment"}
    ),
    "referrals:dashboard": page(COORDINATOR, query={"q": "QZXNOM", "vue": "toutes"}),
    "referrals:inbox": page(SPECIALIST),
    "referrals:triage": page(COORDINATOR, **on("referral.submitted")),
    "referrals:accept": page(SPECIALIST, **on("referral.triaged")),
    "referrals:decline": page(SPECIALIST, **on("referral.triaged")),
    "referrals:schedule": page(SPECIALIST, **on("referral.accepted")),
    "referrals:complete": page(SPECIALIST, **on("referral.accepted")),
    "referrals:request_info": page(COORDINATOR, **on("referral.submitted")),
    "referrals:reorient": page(COORDINATOR, **on("referral.submitted")),
    "referrals:note": page(
        roles(Role.COORDINATOR, Role.SPECIALIST), **on("referral.accepted"), note="or its holder"
    ),
    "referrals:identity": page(SPECIALIST, **on("referral.accepted"), note="who sees the patient"),
    # Advanced consultations
    "scheduling:consultations": page(CONSULTATIONS),
    "scheduling:consultation_site_create": page(MANAGER),
    "scheduling:consultation_site_edit": page(MANAGER, **on("consultation_site")),
    "scheduling:consultation_plan_create": page(MANAGER, **on("consultation_site")),
    "scheduling:consultation_plan": page(MANAGER, **on("consultation_plan")),
    "scheduling:consultation_plan_action": page(
        MANAGER,
        **on("consultation_plan"),
        fixed=tuple({"action": a} for a in ("generer", "rotation", "publier", "volontaires")),
    ),
    "scheduling:consultation_session_assign": page(MANAGER, **on("consultation_session")),
    "scheduling:consultation_session_cancel": page(MANAGER, **on("consultation_session")),
    # A swap is asked by the session's own specialist: the day sheet's visibility, narrowed by
    # the role rule to specialists.
    "scheduling:consultation_swap_request": page(SPECIALIST, **on("day_sheet")),
    # Opening a session's free places to the SAS: its own specialist, like a swap.
    "scheduling:consultation_session_sas": page(SPECIALIST, **on("day_sheet")),
    "scheduling:consultation_swap_decide": page(
        MANAGER, **on("swap"), fixed=({"decision": "accepter"}, {"decision": "refuser"})
    ),
    "scheduling:consultation_day_sheet": page(CONSULTATIONS, **on("day_sheet")),
    "scheduling:consultation_ical_regenerate": page(SPECIALIST),
    "scheduling:consultation_ical_revoke": page(SPECIALIST),
    "scheduling:consultation_ical": page(TOKEN, fixed=({"token": "not-a-token"},)),
    "referrals:session_book": page(COORDINATOR, **on("referral.triaged")),
    # On-call rosters: read by the ESS's staff, prepared by managers; a swap is asked by the
    # specialist on duty (the duty is found among their own: 404 for anyone else's).
    "scheduling:on_call": page(CONSULTATION_TEAM),
    "scheduling:on_call_shifts_create": page(MANAGER),
    "scheduling:on_call_shift_create": page(MANAGER),
    "scheduling:on_call_shift_assign": page(MANAGER, **on("on_call_shift")),
    "scheduling:on_call_shift_delete": page(MANAGER, **on("on_call_shift")),
    "scheduling:on_call_swap_request": page(SPECIALIST, **on("on_call_duty")),
    "scheduling:on_call_volunteers": page(MANAGER),
    "scheduling:on_call_volunteer": page(SPECIALIST),
    "scheduling:on_call_roster_action": page(
        MANAGER, fixed=({"action": "generer"}, {"action": "publier"})
    ),
    "scheduling:on_call_swap_decide": page(
        MANAGER, **on("on_call_swap"), fixed=({"decision": "accepter"}, {"decision": "refuser"})
    ),
    # --- Case meetings (télé-RCP) ------------------------------------------------------------
    # A meeting is seen by its organiser, its participants with an account and the coordinators
    # (404 for anyone else); its organiser (a specialist) or a coordinator runs it; a case's
    # patient is named only to those who see the case itself.
    "meetings:list": page(MEMBERS, note="the meetings the caller takes part in"),
    "meetings:create": page(MEETING_ORGANISERS),
    "meetings:case_add_from": page(
        MEETING_ORGANISERS,
        note="?referral= or ?pathway=: 404 without one, or for a case the caller may not see",
    ),
    "meetings:detail": page(SIGNED_IN, **on("meeting"), note="organiser, participants"),
    "meetings:minutes_pdf": page(SIGNED_IN, **on("meeting"), note="organiser, participants"),
    "meetings:case_add": page(SIGNED_IN, **on("meeting"), note="its participants"),
    "meetings:edit": page(MEETING_ORGANISERS, **on("meeting"), note="its organiser"),
    "meetings:participant_add": page(MEETING_ORGANISERS, **on("meeting"), note="its organiser"),
    "meetings:attendance": page(MEETING_ORGANISERS, **on("meeting"), note="its organiser"),
    "meetings:hold": page(MEETING_ORGANISERS, **on("meeting"), note="its organiser"),
    "meetings:cancel": page(MEETING_ORGANISERS, **on("meeting"), note="its organiser"),
    "meetings:case_decide": page(
        MEETING_ORGANISERS,
        obj=("meeting_case",),
        ids={"public_id": "meeting", "case_id": "meeting_case"},
        note="its organiser",
    ),
    # --- Association life: run by the management; the members (an active membership) read
    # the assemblies once convened, the minutes of those held, the statutes and their own fees.
    "association:home": page(SIGNED_IN, note="managers and members; others 403"),
    "association:statutes": page(SIGNED_IN, note="managers and members; others 403"),
    "association:identity_edit": page(MANAGER),
    "association:statutes_upload": page(MANAGER, upload="upload"),
    "association:assembly_create": page(MANAGER),
    "association:assembly_detail": page(
        SIGNED_IN,
        obj=("assembly", "held_assembly"),
        ids={"public_id": "assembly"},
        note="managers; members once it is convened",
    ),
    "association:minutes_pdf": page(
        SIGNED_IN, obj="held_assembly", ids={"public_id": "assembly"}, note="managers, members"
    ),
    "association:assembly_edit": page(MANAGER, **on("assembly")),
    "association:convene": page(MANAGER, **on("assembly")),
    "association:hold": page(MANAGER, **on("assembly")),
    "association:cancel": page(MANAGER, **on("assembly")),
    "association:attendance": page(MANAGER, **on("assembly")),
    "association:attendance_remove": page(MANAGER, **on("assembly")),
    "association:resolution": page(MANAGER, **on("assembly")),
    "association:fee_year_set": page(MANAGER),
    "association:fees": page(MANAGER, fixed=({"year": FEE_YEAR},)),
    "association:fee_payment": page(MANAGER, fixed=({"year": FEE_YEAR},)),
    "association:fees_export": page(MANAGER, fixed=({"year": FEE_YEAR},)),
    # --- Trainings' management ----------------------------------------------------------------
    # The management and the coordination run every training (drafts included); a training's
    # speakers take its attendance and print its sign-in sheet (404 for anyone else).
    "events:manage": page(EVENT_MANAGERS, note="every training with its registrants counted"),
    "events:create": page(EVENT_MANAGERS),
    "events:edit": page(EVENT_MANAGERS, **on("managed_training")),
    "events:publish": page(EVENT_MANAGERS, **on("managed_training")),
    "events:hold": page(EVENT_MANAGERS, **on("managed_training")),
    "events:cancel": page(EVENT_MANAGERS, **on("managed_training")),
    "events:attendance": page(
        SIGNED_IN, **on("managed_training"), note="the management, the training's speakers"
    ),
    "events:attendance_sheet": page(
        SIGNED_IN, **on("managed_training"), note="the management, the training's speakers"
    ),
    # The registration's id is the link's secret (like the registrant's page): a confirmed
    # registrant marked present gets the PDF, anything else answers 404.
    "events:certificate": page(
        TOKEN, fixed=({"public_id": "00000000-0000-4000-8000-000000000000"},)
    ),
    # --- Trainings (public side) -------------------------------------------------------------
    # Published trainings are public, and anyone registers to them (a form without an account,
    # throttled; one click signed in); drafts and cancelled ones are seen by those who run the
    # ESS's events only (404 for anyone else). A registration is reached by its unguessable
    # public_id, the secret of the links its emails carry.
    "events:list": page(PUBLIC, note="upcoming published trainings, public campaigns"),
    "events:ical": page(PUBLIC, note="published trainings only"),
    "events:detail": page(PUBLIC, **on("training"), note="drafts, cancelled: managers, coord."),
    "events:register": page(
        PUBLIC, **on("training"), note="POST only; a draft or cancelled training: 404"
    ),
    "events:my_registrations": page(SIGNED_IN, note="the caller's own registrations"),
    "events:registration": page(TOKEN, fixed=({"public_id": str(UNKNOWN_REGISTRATION)},)),
    "events:registration_confirm": page(TOKEN, fixed=({"public_id": str(UNKNOWN_REGISTRATION)},)),
    "events:registration_cancel": page(TOKEN, fixed=({"public_id": str(UNKNOWN_REGISTRATION)},)),
    # --- Public-health campaigns --------------------------------------------------------------
    # A campaign shown publicly is anyone's to read; the others, and every campaign's actions,
    # forms and export, are the managers' and coordinators' (404 for anyone else).
    "events:campaign_list": page(PUBLIC, note="public campaigns; all of them for managers"),
    "events:campaign_detail": page(
        PUBLIC, **on("campaign"), note="non-public ones: managers and coordinators"
    ),
    "events:campaign_create": page(EVENT_MANAGERS),
    "events:campaign_edit": page(EVENT_MANAGERS, **on("campaign")),
    "events:campaign_delete": page(EVENT_MANAGERS, **on("campaign")),
    "events:campaign_export": page(EVENT_MANAGERS, **on("campaign")),
    "events:campaign_action_create": page(EVENT_MANAGERS, **on("campaign")),
    "events:campaign_action_edit": page(
        EVENT_MANAGERS,
        obj=("campaign_action",),
        ids={"public_id": "campaign", "action_id": "campaign_action"},
    ),
    "events:campaign_action_delete": page(
        EVENT_MANAGERS,
        obj=("campaign_action",),
        ids={"public_id": "campaign", "action_id": "campaign_action"},
    ),
    # --- Funding and budget: the management's; a member downloads their own statement -------
    "finance:home": page(MANAGER, note="the year's budget against actual, its grants"),
    "finance:budget_edit": page(MANAGER),
    "finance:grant_create": page(MANAGER),
    "finance:grant_edit": page(MANAGER, **on("grant")),
    "finance:expenses": page(MANAGER),
    "finance:expense_create": page(MANAGER, upload="receipt"),
    "finance:expense_import": page(MANAGER, upload="file"),
    "finance:receipt": page(MANAGER, **on("expense")),
    "finance:paid_time": page(MANAGER, note="every member's paid time"),
    "finance:paid_time_csv": page(MANAGER, note="the accountant's export"),
    "finance:statement": page(
        SIGNED_IN, **on("paid_time_statement", "member_id"), note="the management, the member"
    ),
    "finance:rates": page(MANAGER),
    # --- Health project, indicators, reports, newsletter -------------------------------------
    "projet_sante:newsletter_archive": page(PUBLIC, note="sent letters: aggregates only"),
    "projet_sante:newsletter_detail": page(PUBLIC, **on("newsletter"), note="drafts: managers"),
    "projet_sante:subscribe": page(PUBLIC),
    "projet_sante:subscription_confirm": page(TOKEN, fixed=({"token": "not-a-token"},)),
    "projet_sante:unsubscribe": page(TOKEN, fixed=({"token": "not-a-token"},)),
    "projet_sante:newsletter_manage_list": page(MANAGER),
    "projet_sante:newsletter_manage": page(MANAGER, **on("newsletter")),
    "projet_sante:newsletter_refresh_figures": page(MANAGER, **on("newsletter")),
    "projet_sante:newsletter_preview": page(MANAGER, **on("newsletter")),
    "projet_sante:newsletter_preview_email": page(MANAGER, **on("newsletter")),
    "projet_sante:newsletter_send": page(MANAGER, **on("newsletter")),
    "projet_sante:indicators": page(REVIEW),
    "projet_sante:indicators_csv": page(REVIEW),
    "projet_sante:indicator_targets": page(MANAGER),
    "projet_sante:report_quarterly": page(REVIEW),
    "projet_sante:report_detail": page(REVIEW, **on("report")),
    "projet_sante:report_download": page(REVIEW, **on("report")),
    "projet_sante:report_quarterly_transmit": page(
        MANAGER, body={"periode": "2026-Q1", "institutions": "ars"}
    ),
    "projet_sante:transmissions": page(REVIEW, note="authorities: their institution's only"),
    "projet_sante:transmission_download": page(REVIEW, **on("transmission")),
    "projet_sante:project_home": page(STAFF_AND_AUTHORITY),
    "projet_sante:project_version_start": page(MANAGER),
    "projet_sante:project_preview": page(MANAGER),
    "projet_sante:project_version": page(STAFF_AND_AUTHORITY, **on("project_version")),
    "projet_sante:project_version_submit": page(MANAGER, **on("project_version")),
    "projet_sante:project_version_validate": page(AUTHORITY, **on("project_version")),
    "projet_sante:project_version_revision": page(AUTHORITY, **on("project_version")),
    "projet_sante:project_comment_add": page(REVIEW, **on("project_version")),
    "projet_sante:project_section_edit": page(
        MANAGER, **on("project_version"), fixed=({"key": "diagnostic"},)
    ),
    "projet_sante:project_mission_add": page(MANAGER, **on("project_version")),
    "projet_sante:project_mission_edit": page(
        MANAGER, obj=("mission",), ids={"public_id": "version", "mission_id": "mission"}
    ),
    "projet_sante:project_mission_delete": page(
        MANAGER, obj=("mission",), ids={"public_id": "version", "mission_id": "mission"}
    ),
    "projet_sante:project_action_add": page(
        MANAGER, obj=("mission",), ids={"public_id": "version", "mission_id": "mission"}
    ),
    "projet_sante:project_action_edit": page(
        MANAGER, obj=("action",), ids={"public_id": "version", "action_id": "action"}
    ),
    "projet_sante:project_action_delete": page(
        MANAGER, obj=("action",), ids={"public_id": "version", "action_id": "action"}
    ),
    "projet_sante:project_annex_add": page(MANAGER, **on("project_version"), upload="file"),
    "projet_sante:project_annex_download": page(
        STAFF_AND_AUTHORITY, obj=("annex",), ids={"public_id": "version", "annex_id": "annex"}
    ),
    "projet_sante:project_annex_delete": page(
        MANAGER, obj=("annex",), ids={"public_id": "version", "annex_id": "annex"}
    ),
    "projet_sante:project_version_pdf": page(REVIEW, **on("project_version")),
    "projet_sante:project_version_transmit": page(
        MANAGER, **on("project_version"), body={"institutions": "ars"}
    ),
    "projet_sante:project_version_diff": page(
        STAFF_AND_AUTHORITY, obj=("project_version",), ids={"a": "validated", "b": "version"}
    ),
    # --- Partners and conventions -------------------------------------------------------------
    "partners:list": page(STAFF_AND_AUTHORITY),
    "partners:create": page(MANAGER),
    "partners:register": page(REVIEW),
    "partners:register_csv": page(REVIEW),
    "partners:register_pdf": page(REVIEW),
    "partners:convention_create": page(MANAGER),
    "partners:convention_detail": page(STAFF_AND_AUTHORITY, **on("convention")),
    "partners:convention_edit": page(MANAGER, **on("convention")),
    "partners:protocol_edit": page(MANAGER, **on("convention.protocol")),
    "partners:convention_document_upload": page(MANAGER, **on("convention"), upload="file"),
    "partners:convention_document": page(
        STAFF_AND_AUTHORITY,
        obj=("convention_document",),
        ids={"public_id": "convention", "document_id": "document"},
    ),
    "partners:convention_negotiate": page(MANAGER, **on("convention")),
    "partners:convention_sign": page(MANAGER, **on("convention")),
    "partners:convention_activate": page(MANAGER, **on("convention")),
    "partners:convention_expire": page(MANAGER, **on("convention")),
    "partners:convention_terminate": page(MANAGER, **on("convention")),
    "partners:detail": page(STAFF_AND_AUTHORITY, **on("partner")),
    "partners:edit": page(MANAGER, **on("partner")),
    "partners:contact_create": page(MANAGER, **on("partner")),
    "partners:contact_edit": page(
        MANAGER, obj=("contact",), ids={"public_id": "partner", "contact_id": "contact"}
    ),
    "partners:contact_delete": page(
        MANAGER, obj=("contact",), ids={"public_id": "partner", "contact_id": "contact"}
    ),
    # --- ETP programmes and residents ---------------------------------------------------------
    "events:etp_list": page(ACTIVITY_READERS),
    "events:etp_create": page(EVENT_MANAGERS),
    "events:etp_detail": page(ACTIVITY_READERS, **on("etp_programme")),
    "events:etp_edit": page(EVENT_MANAGERS, **on("etp_programme")),
    "events:etp_session_add": page(EVENT_MANAGERS, **on("etp_programme")),
    "events:etp_session_edit": page(EVENT_MANAGERS, **on("etp_session")),
    "events:etp_session_delete": page(EVENT_MANAGERS, **on("etp_session")),
    "events:residents": page(ACTIVITY_READERS),
    "events:supervisor_create": page(EVENT_MANAGERS),
    "events:training_place_create": page(
        ACTIVITY_READERS, note="a specialist only for their own supervision, if registered"
    ),
    "events:placement_create": page(EVENT_MANAGERS, **on("training_place")),
    "events:supervisor_edit": page(EVENT_MANAGERS, **on("resident_supervisor")),
    "events:training_place_edit": page(
        EVENT_MANAGERS,
        **on("training_place"),
        note="and the supervisor for their own offer",
    ),
    "events:placement_edit": page(EVENT_MANAGERS, **on("placement")),
    "events:placement_delete": page(EVENT_MANAGERS, **on("placement")),
    # --- Care pathways -----------------------------------------------------------------------
    "pathways:list": page(
        CARE_CIRCLE, note="the pathways of the caller's circles (all: coordination)"
    ),
    "pathways:create": page(COORDINATOR),
    "pathways:open": page(
        PATHWAY_STEERING,
        **on(("referral.accepted", "referral.completed")),
        note="from a referral: its specialist, or the coordination",
    ),
    "pathways:worklist": page(PARAMEDIC, note="the caller's own delegated tasks"),
    "pathways:detail": page(CARE_CIRCLE, **on("pathway")),
    "pathways:note_add": page(CARE_CIRCLE, **on("pathway")),
    "pathways:pause": page(PATHWAY_STEERING, **on("pathway")),
    "pathways:resume": page(PATHWAY_STEERING, **on("pathway")),
    "pathways:close": page(PATHWAY_STEERING, **on("pathway")),
    "pathways:circle_add": page(PATHWAY_STEERING, **on("pathway")),
    "pathways:referral_link": page(PATHWAY_STEERING, **on("pathway")),
    "pathways:task": page(CARE_CIRCLE, **on("pathway_task")),
    "pathways:task_record": page(PARAMEDIC, **on("pathway_task"), note="its assignee only"),
    "pathways:task_cancel": page(PATHWAY_STEERING, **on("pathway_task")),
    "pathways:alert": page(CARE_CIRCLE, **on("pathway_alert")),
    "pathways:alert_answer": page(
        SPECIALIST, **on("pathway_alert"), note="the doctor alerted, a specialist of the circle"
    ),
    # --- Third party: allauth (sign-in, password, second factor) ------------------------------
    "account_login": page(PUBLIC),
    "account_logout": page(PUBLIC),
    "account_inactive": page(PUBLIC),
    "account_signup": page(PUBLIC),
    "account_reauthenticate": page(SIGNED_IN),
    "account_email": page(SIGNED_IN),
    "account_email_verification_sent": page(PUBLIC),
    "account_change_password": page(SIGNED_IN),
    "account_set_password": page(SIGNED_IN),
    "account_reset_password": page(PUBLIC),
    "account_confirm_login_code": page(PUBLIC, note="part of the sign-in flow"),
    # allauth answers a wrong key with its "link invalid or expired" page (200, nothing else).
    "account_confirm_email": page(TOKEN, fixed=({"key": "not-a-key"},), bad_token_refused=False),
    "account_reset_password_from_key_done": page(PUBLIC),
    "account_reset_password_from_key": page(
        TOKEN, fixed=({"uidb36": "zz", "key": "not-a-key"},), bad_token_refused=False
    ),
    "account_reset_password_done": page(PUBLIC),
    "mfa_index": page(SIGNED_IN),
    "mfa_authenticate": page(PUBLIC, note="second step of the sign-in flow"),
    "mfa_reauthenticate": page(SIGNED_IN),
    "mfa_activate_totp": page(SIGNED_IN),
    "mfa_deactivate_totp": page(SIGNED_IN),
    "mfa_view_recovery_codes": page(SIGNED_IN),
    "mfa_generate_recovery_codes": page(SIGNED_IN),
    "mfa_download_recovery_codes": page(SIGNED_IN),
    # --- Third party: allauth's OpenID Connect sign-in (Pro Santé Connect, members/psc) ------
    "psc_login": page(PUBLIC, fixed=({"provider_id": "psc"},), note="leaves for PSC"),
    "psc_callback": page(PUBLIC, fixed=({"provider_id": "psc"},), note="PSC's way back"),
    "socialaccount_signup": page(PUBLIC, note="the email step of a first PSC sign-in"),
    "socialaccount_login_cancelled": page(PUBLIC),
    "socialaccount_login_error": page(PUBLIC),
    "socialaccount_connections": page(SIGNED_IN, note="the caller's own PSC link"),
    "accounts/social/*": page(
        PUBLIC,
        refuses_by_redirect=True,
        note="allauth's old paths, redirect to /accounts/3rdparty/",
    ),
    # --- Third party: Django ------------------------------------------------------------------
    # The admin's tree (every registered model's pages, named or not), by path prefix; its
    # sign-in page is allauth's form.
    "admin/*": page(
        ADMIN,
        refuses_by_redirect=True,
        note="Django admin: is_staff superusers only; others go to its sign-in or index",
    ),
    "admin:login": page(PUBLIC, note="allauth's sign-in form (secure_admin_login)"),
    "set_language": page(PUBLIC),
    "javascript-catalog": page(PUBLIC),
    # --- API documentation (public, as DESIGN.md §8 says) -------------------------------------
    "api_schema": page(PUBLIC),
    "api_docs": page(PUBLIC),
    # --- REST API /api/v1/ (methods: the OpenAPI schema's) ------------------------------------
    "api:me": api({"GET": SIGNED_IN}),
    "api:communes": api({"GET": SIGNED_IN}),
    "api:notifications": api({"GET": SIGNED_IN}, note="the caller's own"),
    "api:notification_read": api({"POST": SIGNED_IN}, **on("notification")),
    "api:indicators": api({"GET": REVIEW}),
    "api:referral-list": api(
        {"GET": SIGNED_IN, "POST": REQUESTER},
        body=REFERRAL_BODY,
        note="GET: only what the caller may see",
    ),
    "api:referral-detail": api({"GET": SIGNED_IN}, **on(REFERRAL_ANY_STATE, "id")),
    "api:referral-triage": api({"POST": COORDINATOR}, **on("referral.submitted", "id")),
    "api:referral-accept": api({"POST": SPECIALIST}, **on("referral.triaged", "id")),
    "api:referral-decline": api({"POST": SPECIALIST}, **on("referral.triaged", "id")),
    "api:referral-schedule": api({"POST": SPECIALIST}, **on("referral.accepted", "id")),
    "api:referral-complete": api({"POST": SPECIALIST}, **on("referral.accepted", "id")),
    "api:referral-book-slot": api({"POST": COORDINATOR}, **on("referral.submitted", "id")),
    "api:referral-request-info": api({"POST": COORDINATOR}, **on("referral.submitted", "id")),
    "api:referral-provide-info": api({"POST": REQUESTER}, **on("referral.info_requested", "id")),
    "api:referral-reorient": api({"POST": COORDINATOR}, **on("referral.submitted", "id")),
    "api:referral-cancel": api({"POST": REQUESTER}, **on("referral.submitted", "id")),
    "api:referral-messages": api(
        {"GET": SIGNED_IN, "POST": SIGNED_IN}, **on("referral.accepted", "id")
    ),
    "api:referral-attachments": api(
        {"GET": SIGNED_IN, "POST": SIGNED_IN}, **on("referral.accepted", "id"), upload="files"
    ),
    # API lists answer every signed-in caller with what they may see (an empty page for a
    # requester); the objects themselves follow the pages' rule.
    "api:partner-list": api({"GET": SIGNED_IN}, note="only what the caller may see"),
    "api:partner-detail": api({"GET": STAFF_AND_AUTHORITY}, **on("partner", "id")),
    "api:convention-list": api({"GET": SIGNED_IN}, note="only what the caller may see"),
    "api:convention-detail": api({"GET": STAFF_AND_AUTHORITY}, **on("convention", "id")),
    "api:convention-submit-for-negotiation": api({"POST": MANAGER}, **on("convention", "id")),
    "api:convention-sign": api({"POST": MANAGER}, **on("convention", "id")),
    "api:convention-activate": api({"POST": MANAGER}, **on("convention", "id")),
    "api:convention-expire": api({"POST": MANAGER}, **on("convention", "id")),
    "api:convention-terminate": api({"POST": MANAGER}, **on("convention", "id")),
    "api:member-list": api({"GET": SIGNED_IN}, note="only what the caller may see"),
    "api:member-detail": api(
        {"GET": DIRECTORY}, obj=("directory_entry",), ids={"id": "membership"}
    ),
    "api:consultation-session-list": api({"GET": SIGNED_IN}, note="only what the caller may see"),
    "api:consultation-session-detail": api(
        {"GET": SIGNED_IN}, obj=("consultation_session",), ids={"id": "session"}
    ),
    "api:on-call-shift-list": api({"GET": SIGNED_IN}, note="only what the caller may see"),
    "api:on-call-shift-detail": api(
        {"GET": SIGNED_IN}, obj=("on_call_shift_read",), ids={"id": "shift"}
    ),
    "api:consultation-session-book": api(
        {"POST": COORDINATOR}, obj=("consultation_session",), ids={"id": "session"}
    ),
    # Care pathways: a list of what the caller may see (their circles'; all for the
    # coordination; an empty page for the ARS and CPAM, who read counts in the indicators).
    "api:pathway-list": api({"GET": SIGNED_IN}, note="only what the caller may see"),
    "api:pathway-detail": api({"GET": CARE_CIRCLE}, **on("pathway", "id")),
    "api:pathway-pause": api({"POST": PATHWAY_STEERING}, **on("pathway", "id")),
    "api:pathway-resume": api({"POST": PATHWAY_STEERING}, **on("pathway", "id")),
    "api:pathway-close": api({"POST": PATHWAY_STEERING}, **on("pathway", "id")),
    "api:pathway-task-list": api({"GET": SIGNED_IN}, note="the caller's own delegated tasks"),
    "api:pathway-task-record": api(
        {"POST": PARAMEDIC},
        **on("pathway_task", "id"),
        body={"result": "Résultat de contrôle", "out_of_range": False},
        note="its assignee only",
    ),
    "api:project-version-list": api({"GET": STAFF_AND_AUTHORITY}),
    "api:project-version-detail": api(
        {"GET": STAFF_AND_AUTHORITY}, obj=("project_version",), ids={"id": "version"}
    ),
    "api:project-version-submit": api(
        {"POST": MANAGER}, obj=("project_version",), ids={"id": "version"}
    ),
    "api:project-version-validate": api(
        {"POST": AUTHORITY}, obj=("project_version",), ids={"id": "version"}
    ),
    "api:project-version-request-revision": api(
        {"POST": AUTHORITY}, obj=("project_version",), ids={"id": "version"}
    ),
    "api:project-version-comments": api(
        {"POST": REVIEW}, obj=("project_version",), ids={"id": "version"}
    ),
    # Events: trainings for every signed-in caller (drafts and cancelled ones for the
    # management), public campaigns (all for the management), ETP programmes for the staff who
    # follow them (an empty page for the others).
    "api:event-list": api({"GET": SIGNED_IN}, note="only what the caller may see"),
    "api:event-detail": api({"GET": SIGNED_IN}, **on("training", "id")),
    "api:event-campaign-list": api({"GET": SIGNED_IN}, note="only what the caller may see"),
    "api:event-campaign-detail": api({"GET": SIGNED_IN}, **on("campaign", "id")),
    "api:event-etp-programme-list": api({"GET": SIGNED_IN}, note="only what the caller may see"),
    "api:event-etp-programme-detail": api({"GET": ACTIVITY_READERS}, **on("etp_programme", "id")),
}
