"""Each advanced-consultation `can_*` over every persona."""

import pytest

from scheduling import permissions as perms
from scheduling import selectors
from tests.factories import ConsultationSessionFactory

PERSONAS = [
    "requester",
    "coordinator",
    "session_specialist",
    "other_specialist",
    "paramedic",
    "manager",
    "authority",
]

EXPECTED = {
    "can_manage_consultations": {"manager"},
    "can_book_session": {"coordinator"},
    "can_view_consultations": {
        "coordinator",
        "session_specialist",
        "other_specialist",
        "paramedic",
        "manager",
    },
    "can_run_consultations": {"session_specialist", "other_specialist", "paramedic"},
    "can_view_day_sheet": {"coordinator", "session_specialist", "manager"},
    "can_request_swap": {"session_specialist"},
    "can_decide_swap": {"manager"},
    "can_have_calendar_feed": {"session_specialist", "other_specialist"},
}
WITH_SESSION = {"can_view_day_sheet", "can_request_swap"}


@pytest.fixture
def session(cardiology):
    return ConsultationSessionFactory(status="draft")


def persona(name, request, session):
    if name == "session_specialist":
        return session.specialist
    return request.getfixturevalue(name)


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("predicate", list(EXPECTED))
def test_predicates(predicate, name, request, session):
    user = persona(name, request, session)
    check = getattr(perms, predicate)
    allowed = check(user, session) if predicate in WITH_SESSION else check(user)
    assert allowed == (name in EXPECTED[predicate])


@pytest.mark.parametrize("name", PERSONAS)
def test_who_sees_a_draft_session(name, request, session):
    user = persona(name, request, session)
    visible = selectors.sessions_visible_to(user).filter(pk=session.pk).exists()
    assert visible == (name in {"coordinator", "manager", "session_specialist"})
