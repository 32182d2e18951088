"""Every write on referrals: intake, the lifecycle transitions, messages, attachments.

Transition services follow docs/architecture.md through the workflow core (ess.workflow):
atomic → re-read the row FOR UPDATE → check the actor (PermissionDenied, 403) → check the
transition table (TransitionNotAllowed, 409) → write the event → save(update_fields=…).
Repeating a transition already done by the same actor is a no-op.

`intake` (submission), `triage` (the coordinator's side), `answer` (the specialist's side),
`thread` (messages, attachments, notes, identity), `pending` (files kept across a refused
form), `immediate` (immediate opinions from the specialist on call), `contacts` (requests from
professionals without an account: the public form, phone/fax/mail intake, a registered
platform's requests), `claims` (those
requests joining the professional's account) and `common` (what they share).
"""

from referrals.services.answer import (
    referral_accept,
    referral_complete,
    referral_decline,
    referral_feedback,
    referral_schedule,
)
from referrals.services.claims import attach_unclaimed_requests
from referrals.services.contacts import (
    directory_professional,
    referral_confirm,
    referral_from_confirmation_token,
    referral_record_for_caller,
    referral_submit_for_platform,
    referral_submit_without_account,
    referrals_purge_unconfirmed,
)
from referrals.services.immediate import (
    immediate_acknowledge,
    immediate_escalate,
    immediate_requests_due,
    immediate_submit,
    on_call_closed_message,
)
from referrals.services.intake import (
    PatientInput,
    ReferralInput,
    next_reference,
    referral_submit,
)
from referrals.services.pending import (
    pending_attachment_checked,
    pending_attachments_delete,
    pending_attachments_for,
    pending_attachments_keep,
    pending_attachments_purge,
)
from referrals.services.thread import (
    attachment_add,
    message_post,
    patient_identity_validate,
    referral_add_note,
    referral_meeting_decision_record,
)
from referrals.services.triage import (
    referral_cancel,
    referral_provide_info,
    referral_reorient,
    referral_request_info,
    referral_triage,
    referrals_escalate,
)

__all__ = [
    "PatientInput",
    "ReferralInput",
    "attach_unclaimed_requests",
    "attachment_add",
    "directory_professional",
    "immediate_acknowledge",
    "immediate_escalate",
    "immediate_requests_due",
    "immediate_submit",
    "message_post",
    "next_reference",
    "on_call_closed_message",
    "patient_identity_validate",
    "pending_attachment_checked",
    "pending_attachments_delete",
    "pending_attachments_for",
    "pending_attachments_keep",
    "pending_attachments_purge",
    "referral_accept",
    "referral_add_note",
    "referral_cancel",
    "referral_complete",
    "referral_confirm",
    "referral_decline",
    "referral_feedback",
    "referral_from_confirmation_token",
    "referral_meeting_decision_record",
    "referral_provide_info",
    "referral_record_for_caller",
    "referral_reorient",
    "referral_request_info",
    "referral_schedule",
    "referral_submit",
    "referral_submit_for_platform",
    "referral_submit_without_account",
    "referral_triage",
    "referrals_escalate",
    "referrals_purge_unconfirmed",
]
