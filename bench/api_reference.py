"""The API submission measured by bench/scale.py, and its reference: the same writes, bare.

`sample_payload(i)` is a valid body for `POST /api/v1/referrals/`, distinct for each `i` (its
patient is new: an INS no data set holds). `same_writes(user, payload)` writes the rows that
submission writes, with the plain ORM in one transaction (bench/reference_views.py serves it).
"""

from datetime import date

BENCH_DEPARTEMENT = "96"  # in no bench data set's INS (they use 01-95): every patient is new
BIRTH_PLACE = "45234"  # Orléans
COMMUNE = "45234"
SPECIALTY = "cardiologie"


def _ins(i: int, birth: date) -> str:
    body = f"1{birth.year % 100:02d}{birth.month:02d}{BENCH_DEPARTEMENT}{i % 1_000_000:06d}"
    return f"{body}{97 - int(body) % 97:02d}"


def sample_payload(i: int) -> dict:
    """A valid submission, its patient (INS, names) distinct for every `i` below 50,000,000."""
    birth = date(1940 + (i // 1_000_000) % 50, 1 + i % 12, 1 + i % 28)
    return {
        "patient": {
            "ins": _ins(i, birth),
            "birth_name": f"BENCH{i}",
            "first_names": "Camille",
            "sex": "M",
            "birth_date": birth.isoformat(),
            "birth_place_code": BIRTH_PLACE,
            "commune": COMMUNE,
            "phone": "06 12 34 56 78",
        },
        "specialty": SPECIALTY,
        "question": "Palpitations à l'effort depuis trois semaines, ECG joint. Avis ?",
        "context": "Pas d'antécédent cardiaque connu.",
        "urgency": "P3",
        "preferred_response": "no_preference",
        "consent": True,
    }


def idempotency_key(payload: dict) -> str:
    """The Idempotency-Key the benchmark's client sends with `payload` (one per patient)."""
    return f"bench-{payload['patient']['ins']}"


def same_writes(user, payload: dict):
    """The rows `POST /api/v1/referrals/` writes for `payload`, with the plain ORM in one
    transaction: the patient, the reference counter, the referral, its first history row, the
    idempotency key, the outbox row of its notifications. No validation, no serializer, no
    permission, no notification content; the one read is the specialty's id."""
    from django.db import transaction
    from django.utils import timezone

    from ess.models import OutboundTask, Specialty
    from referrals.deadlines import due_times
    from referrals.models import Channel, IdempotencyKey, Patient, Referral, ReferralEvent
    from referrals.services.intake import next_reference

    data = payload["patient"]
    now = timezone.now()
    due_at, escalate_at = due_times(now, payload["urgency"])
    with transaction.atomic():
        specialty_id = Specialty.objects.values_list("pk", flat=True).get(code=payload["specialty"])
        (patient,) = Patient.objects.bulk_create(
            [
                Patient(
                    ins=data["ins"],
                    ins_oid="1.2.250.1.213.1.4.8",
                    birth_name=data["birth_name"],
                    first_names=data["first_names"].upper(),
                    sex=data["sex"],
                    birth_date=data["birth_date"],
                    birth_place_code=data["birth_place_code"],
                    phone="+33612345678",
                    commune_id=data["commune"],
                )
            ]
        )
        (referral,) = Referral.objects.bulk_create(
            [
                Referral(
                    reference=next_reference(now),
                    patient=patient,
                    requester=user,
                    requester_organisation_id=user.organisation_id,
                    specialty_id=specialty_id,
                    question=payload["question"],
                    context=payload["context"],
                    urgency_requested=payload["urgency"],
                    preferred_response=payload["preferred_response"],
                    consent=True,
                    channel=Channel.API,
                    submitted_at=now,
                    due_at=due_at,
                    escalate_at=escalate_at,
                )
            ]
        )
        ReferralEvent.objects.bulk_create(
            [ReferralEvent(referral=referral, actor=user, to_status=referral.status, at=now)]
        )
        IdempotencyKey.objects.bulk_create(
            [
                IdempotencyKey(
                    user=user,
                    key=idempotency_key(payload),
                    fingerprint="0" * 64,
                    referral=referral,
                )
            ]
        )
        OutboundTask.objects.bulk_create(
            [
                OutboundTask(
                    task="referrals.tasks.notify_referral",
                    args=[referral.pk, "referral_new", user.pk],
                )
            ]
        )
    return referral
