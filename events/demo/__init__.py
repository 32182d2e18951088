"""The demo's trainings, campaigns, ETP programmes and residents: each part's content in its own
data file next to its module, played through the services."""

from events.demo.campaigns import seed_campaigns
from events.demo.trainings import seed_trainings


def seed_events(users) -> dict:
    return {"trainings": seed_trainings(users), "campaigns": seed_campaigns(users)}
