"""The models of places and times moved to scheduling from members and referrals with their rows:
a database at the old head (scheduling absent, the tables under their old names), holding the
demo and a row in every moved table, migrates to the new head with every row, key and constraint
kept (PostgreSQL, the migrations run by Django's executor)."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from members.models import User
from referrals.booking import services as booking
from referrals.models import Referral
from scheduling import services
from scheduling.models import (
    Absence,
    Appointment,
    AvailabilitySlot,
    Booking,
    ConsultationPlan,
    ConsultationSession,
    SwapRequest,
)

# The migrations that take the models out of their old apps: the old head is just before them.
MOVES = [
    ("members", "0005_availability_moved_to_scheduling"),
    ("referrals", "0007_consultations_moved_to_scheduling"),
]
# Old table → new table (many-to-many tables included).
TABLES = {
    "members_availabilityslot": "scheduling_availabilityslot",
    "members_booking": "scheduling_booking",
    "members_absence": "scheduling_absence",
    "referrals_consultationsite": "scheduling_consultationsite",
    "referrals_consultationsite_specialties": "scheduling_consultationsite_specialties",
    "referrals_consultationplan": "scheduling_consultationplan",
    "referrals_consultationplan_volunteers": "scheduling_consultationplan_volunteers",
    "referrals_consultationsession": "scheduling_consultationsession",
    "referrals_appointment": "scheduling_appointment",
    "referrals_swaprequest": "scheduling_swaprequest",
    "referrals_calendarfeed": "scheduling_calendarfeed",
}
# Columns that later migrations added to a moved table: not part of the move.
ADDED_SINCE = {
    "scheduling_consultationplan": ("protocol_id",),
    "scheduling_availabilityslot": ("sas_open",),
    "scheduling_consultationsession": ("sas_open",),
}
MODELS = {
    "members": ["availabilityslot", "booking", "absence"],
    "referrals": [
        "consultationsite",
        "consultationplan",
        "consultationsession",
        "appointment",
        "swaprequest",
        "calendarfeed",
    ],
}


def existing_tables() -> set[str]:
    return set(connection.introspection.table_names())


def rows(table: str) -> list[str]:
    with connection.cursor() as cursor:
        added = ADDED_SINCE.get(table, ())
        columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, table)
            if c.name not in added
        ]
        row = f"ROW({', '.join(columns)})"
        cursor.execute(f"SELECT {row}::text FROM {table} t ORDER BY 1")  # noqa: S608 — our names
        return [row[0] for row in cursor.fetchall()]


def constraints_kept(table: str) -> list[tuple]:
    """constraints(table) without those on the columns added since the move."""
    added = ADDED_SINCE.get(table, ())
    return [c for c in constraints(table) if not any(f"({name})" in c[2] for name in added)]


def constraints(table: str) -> list[tuple]:
    """(kind, referenced table or "", definition) of every constraint, validated ones only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contype, coalesce(confrelid::regclass::text, ''), "
            "pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND convalidated ORDER BY 1, 2, 3",
            [table],
        )
        return cursor.fetchall()


def renamed_references(definition: str) -> str:
    return re.sub(
        r"REFERENCES (\w+)\(", lambda m: f"REFERENCES {TABLES.get(m[1], m[1])}(", definition
    )


def content_type_ids(app_label: str) -> dict[str, int]:
    return {
        model: ContentType.objects.filter(app_label=app_label, model=model)
        .values_list("pk", flat=True)
        .first()
        for models in MODELS.values()
        for model in models
    }


def old_head(executor: MigrationExecutor) -> list[tuple]:
    """Each old app at the migration before its move, scheduling absent."""
    graph = executor.loader.graph
    parents = [
        parent.key
        for app, name in MOVES
        for parent in graph.node_map[(app, name)].parents
        if parent.key[0] == app
    ]
    return [*parents, ("scheduling", None)]


def unapply_down_to(executor: MigrationExecutor, targets) -> None:
    """What `migrate` does backwards, migration by migration, each from the project's state just
    before it (the same operations, without re-rendering every later migration of the
    project)."""
    for migration, backwards in executor.migration_plan(targets):
        assert backwards
        node = (migration.app_label, migration.name)
        executor.unapply_migration(executor.loader.project_state(node, at_end=False), migration)


def fill_every_moved_table() -> None:
    """The demo (slots, sites, plans, sessions, appointments) and what it leaves empty: a
    referral booked into a slot, an absence, a pending swap, a calendar feed."""
    call_command("seed_demo")
    coordinator = User.objects.get(email="coordination@demo.example.org")
    specialist = User.objects.get(email="cardiologue@demo.example.org")
    colleague = User.objects.get(email="cardiologue2@demo.example.org")
    slot = AvailabilitySlot.objects.filter(specialist=specialist).last()
    # A slot is for a patient to be seen: not a request for an opinion only.
    referral = (
        Referral.objects.filter(status="submitted", specialty_id=slot.specialty_id)
        .exclude(preferred_response="opinion")
        .first()
    )
    booking.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)
    later = timezone.localdate() + timedelta(days=300)
    services.absence_record(by=colleague, starts_on=later, ends_on=later + timedelta(days=5))
    session = ConsultationSession.objects.filter(specialist=specialist, status="published").last()
    services.swap_request(by=specialist, session_id=session.pk, replacement=colleague)
    services.calendar_feed_regenerate(by=specialist)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_old_head_keeps_every_row_and_key(postgres, territory, settings):
    settings.ESS_DEMO = True
    fill_every_moved_table()
    executor = MigrationExecutor(connection)
    head = executor.loader.graph.leaf_nodes()
    ids = content_type_ids("scheduling")
    try:
        unapply_down_to(executor, old_head(executor))
        tables = existing_tables()
        assert set(TABLES) <= tables and not set(TABLES.values()) & tables
        before = {old: rows(old) for old in TABLES}
        assert all(before.values()), [t for t, r in before.items() if not r]
        keys_before = {old: constraints(old) for old in TABLES}
        ContentType.objects.clear_cache()
        for app_label, models in MODELS.items():
            old_ids = content_type_ids(app_label)
            assert {m: old_ids[m] for m in models} == {m: ids[m] for m in models}

        MigrationExecutor(connection).migrate(head)

        tables = existing_tables()
        assert set(TABLES.values()) <= tables and not set(TABLES) & tables
        for old, new in TABLES.items():
            assert rows(new) == before[old], new
            # Same keys and checks, foreign keys now pointing at the renamed tables.
            renamed = [
                (kind, TABLES.get(target, target), renamed_references(definition))
                for kind, target, definition in keys_before[old]
            ]
            assert sorted(constraints_kept(new)) == sorted(renamed), new
    finally:
        MigrationExecutor(connection).migrate(head)  # nothing to do when already there
        ContentType.objects.clear_cache()

    assert content_type_ids("scheduling") == ids
    # The ORM reads every moved row through its keys.
    assert Booking.objects.select_related("slot", "referral", "booked_by").count() == 1
    assert Absence.objects.count() == 1 and SwapRequest.objects.count() == 1
    appointments = Appointment.objects.select_related("session__site__commune", "referral")
    assert {a.referral.status for a in appointments} <= {"scheduled", "completed"}
    assert all(p.volunteers.exists() for p in ConsultationPlan.objects.all())
    exclusion = [c for c in constraints("scheduling_consultationsession") if c[0] == "x"]
    assert len(exclusion) == 1  # never two places at once, on the renamed table
