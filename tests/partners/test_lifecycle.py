"""Convention lifecycle: guarded transitions, history, signing that puts in force, the daily job."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from partners import services
from partners.models import Convention, ConventionEvent
from partners.tasks import conventions_daily
from tests.factories import ConventionFactory, PartnerFactory
from tests.partners.conftest import png_upload, signed_pdf

TODAY = timezone.localdate


def history(convention) -> list[tuple[str, str]]:
    return list(
        ConventionEvent.objects.filter(convention=convention, kind="transition")
        .order_by("at", "pk")
        .values_list("from_status", "to_status")
    )


def with_signed_pdf(convention, manager):
    services.convention_document_add(
        convention_id=convention.pk, by=manager, doc_type="signed", upload=signed_pdf()
    )
    return convention


def test_a_manager_drafts_a_convention_with_several_partners(db, manager):
    cpts, dac = PartnerFactory(), PartnerFactory(name="DAC 45")
    from partners.models import ConventionKind

    convention = services.convention_create(
        by=manager,
        parties=[cpts, dac],
        kind=ConventionKind.objects.get(code="protocole-organisation"),
        title="Protocole parcours complexes",
        referent=manager,
    )

    assert convention.status == "draft"
    assert set(convention.parties.all()) == {cpts, dac}
    assert ConventionEvent.objects.get(convention=convention).kind == "created"


def test_signing_with_an_effective_date_reached_puts_the_convention_in_force(db, manager):
    convention = with_signed_pdf(ConventionFactory(), manager)

    services.convention_sign(
        convention_id=convention.pk, by=manager, signed_on=TODAY() - timedelta(days=2)
    )

    convention.refresh_from_db()
    assert convention.status == "active"
    assert convention.effective_on == TODAY() - timedelta(days=2)
    assert history(convention) == [("draft", "signed"), ("signed", "active")]


def test_signing_with_a_future_effective_date_waits_for_the_daily_job(db, manager, time_machine):
    convention = with_signed_pdf(ConventionFactory(), manager)
    start = TODAY() + timedelta(days=10)

    services.convention_sign(
        convention_id=convention.pk, by=manager, signed_on=TODAY(), effective_on=start
    )
    convention.refresh_from_db()
    assert convention.status == "signed"
    assert conventions_daily.apply().get()["activated"] == 0

    time_machine.move_to(start)
    assert conventions_daily.apply().get()["activated"] == 1
    assert conventions_daily.apply().get()["activated"] == 0
    convention.refresh_from_db()
    assert convention.status == "active"
    assert history(convention)[-1] == ("signed", "active")
    assert ConventionEvent.objects.filter(convention=convention).last().actor is None


def test_the_daily_job_expires_conventions_past_their_end_date(db, manager):
    convention = ConventionFactory(active=True, end_on=TODAY() - timedelta(days=1))
    ongoing = ConventionFactory(active=True, end_on=TODAY())

    assert conventions_daily.apply().get()["expired"] == 1
    assert conventions_daily.apply().get()["expired"] == 0

    convention.refresh_from_db()
    ongoing.refresh_from_db()
    assert (convention.status, ongoing.status) == ("expired", "active")


def test_marking_signed_requires_the_signed_pdf(db, manager):
    convention = ConventionFactory()

    with pytest.raises(ValidationError, match="Déposez d'abord la convention signée"):
        services.convention_sign(convention_id=convention.pk, by=manager, signed_on=TODAY())

    convention.refresh_from_db()
    assert convention.status == "draft"
    assert history(convention) == []


@pytest.mark.parametrize(
    ("status", "service", "kwargs"),
    [
        ("draft", services.convention_activate, {}),
        ("draft", services.convention_expire, {}),
        ("negotiation", services.convention_submit_for_negotiation, {}),
        ("signed", services.convention_submit_for_negotiation, {}),
        ("active", services.convention_submit_for_negotiation, {}),
        ("expired", services.convention_terminate, {"reason": "Fin"}),
        ("terminated", services.convention_submit_for_negotiation, {}),
        ("expired", services.convention_sign, {"signed_on": None}),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(db, manager, status, service, kwargs):
    convention = ConventionFactory(
        status=status,
        signed_on=TODAY() - timedelta(days=400),
        effective_on=TODAY() - timedelta(days=400),
        end_on=TODAY() - timedelta(days=1),
        termination_reason="Motif" if status == "terminated" else "",
    )
    if status == "negotiation":
        # Repeating a transition already done is a no-op, not an error.
        service(convention_id=convention.pk, by=manager)
        assert history(convention) == []
        return

    with pytest.raises(TransitionNotAllowed):
        service(convention_id=convention.pk, by=manager, **kwargs)

    convention.refresh_from_db()
    assert convention.status == status
    assert history(convention) == []


def test_an_early_expiry_is_refused_terminate_instead(db, manager):
    convention = ConventionFactory(active=True, end_on=TODAY() + timedelta(days=100))

    with pytest.raises(TransitionNotAllowed, match="résiliez-la"):
        services.convention_expire(convention_id=convention.pk, by=manager)

    services.convention_terminate(
        convention_id=convention.pk, by=manager, reason="Le partenaire se retire."
    )
    convention.refresh_from_db()
    assert convention.status == "terminated"
    assert convention.termination_reason == "Le partenaire se retire."
    assert history(convention) == [("active", "terminated")]


def test_terminating_needs_a_reason(db, manager):
    convention = ConventionFactory(active=True)

    with pytest.raises(ValidationError, match="motif"):
        services.convention_terminate(convention_id=convention.pk, by=manager, reason="  ")

    convention.refresh_from_db()
    assert convention.status == "active"


@pytest.mark.parametrize("persona", ["coordinator", "specialist", "authority", "requester"])
def test_only_managers_move_a_convention(db, request, persona):
    user = request.getfixturevalue(persona)
    convention = ConventionFactory()

    with pytest.raises(PermissionDenied):
        services.convention_submit_for_negotiation(convention_id=convention.pk, by=user)

    convention.refresh_from_db()
    assert convention.status == "draft"


def test_edits_are_recorded_in_the_history_and_closed_conventions_are_locked(db, manager):
    convention = ConventionFactory(active=True, end_on=TODAY() + timedelta(days=300))

    services.convention_update(
        convention_id=convention.pk, by=manager, end_on=TODAY() + timedelta(days=700)
    )
    assert ConventionEvent.objects.filter(
        convention=convention, kind="updated", note__contains="échéance"
    ).exists()

    services.convention_terminate(convention_id=convention.pk, by=manager, reason="Fin")
    with pytest.raises(TransitionNotAllowed, match="plus modifiable"):
        services.convention_update(convention_id=convention.pk, by=manager, title="Autre")


def test_api_transitions_answer_409_403_and_200(db, api_client, manager, coordinator):
    convention = ConventionFactory(active=True, end_on=TODAY() + timedelta(days=100))
    url = f"/api/v1/conventions/{convention.public_id}/"

    api_client.force_authenticate(coordinator)
    assert api_client.post(url + "terminate/", {"reason": "x"}, format="json").status_code == 403

    api_client.force_authenticate(manager)
    response = api_client.post(url + "submit-for-negotiation/", format="json")
    assert response.status_code == 409
    assert "« En vigueur »" in response.json()["detail"]
    assert api_client.post(url + "terminate/", {}, format="json").status_code == 400
    response = api_client.post(url + "terminate/", {"reason": "Fusion"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "terminated"
    assert Convention.objects.get(pk=convention.pk).status == "terminated"


def test_the_web_sign_action_reports_a_missing_pdf(db, client_for, manager):
    convention = ConventionFactory()
    client = client_for(manager)

    response = client.post(
        f"/partenaires/conventions/{convention.public_id}/signer/",
        {"signed_on": TODAY().isoformat()},
        follow=True,
    )

    assert "Déposez d&#x27;abord la convention signée" in response.text
    convention.refresh_from_db()
    assert convention.status == "draft"


def test_a_png_is_refused_as_the_signed_convention(db, manager):
    convention = ConventionFactory()

    with pytest.raises(ValidationError, match="en PDF"):
        services.convention_document_add(
            convention_id=convention.pk, by=manager, doc_type="signed", upload=png_upload()
        )

    assert not convention.documents.exists()


def test_the_history_says_in_force_since_the_first_of_the_month_as_in_french(
    db, client_for, manager
):
    convention = with_signed_pdf(ConventionFactory(), manager)
    first = (TODAY() - timedelta(days=40)).replace(day=1)
    client = client_for(manager)

    client.post(
        f"/partenaires/conventions/{convention.public_id}/signer/",
        {"signed_on": first.isoformat(), "effective_on": first.isoformat()},
    )
    page = client.get(f"/partenaires/conventions/{convention.public_id}/")

    assert "En vigueur depuis le 1er " in page.text
    assert "En vigueur depuis le 1 " not in page.text


def test_signing_or_terminating_again_says_it_was_already_done(db, client_for, manager):
    convention = with_signed_pdf(ConventionFactory(), manager)
    client = client_for(manager)
    base = f"/partenaires/conventions/{convention.public_id}/"
    sign = {"signed_on": (TODAY() - timedelta(days=2)).isoformat()}

    first = client.post(base + "signer/", sign, follow=True).text
    again = client.post(base + "signer/", sign, follow=True).text

    assert "Convention marquée signée." in first
    assert "Cette convention était déjà marquée signée : rien n&#x27;a changé." in again
    assert "Convention marquée signée." not in again

    first = client.post(base + "resilier/", {"reason": "Fusion"}, follow=True).text
    again = client.post(base + "resilier/", {"reason": "Fusion"}, follow=True).text

    assert "Convention résiliée." in first
    assert "Cette convention était déjà résiliée : rien n&#x27;a changé." in again
    assert "Convention résiliée." not in again
    assert history(convention)[-1] == ("active", "terminated")
    assert len(history(convention)) == 3
