"""The demo's trainings, campaigns, ETP programmes and residents: each part's content in its own
data file next to its module, played through the services."""

from events.demo.etp import seed_etp
from events.demo.residents import seed_residents


def seed_events(users) -> dict:
    return {
        "etp": seed_etp(users),
        "residents": seed_residents(users),
    }
