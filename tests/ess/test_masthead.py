from django.urls import reverse

from ess.models import Team


def test_every_page_shows_the_teams_names_and_follows_their_changes(client_for, coordinator):
    team, _ = Team.objects.get_or_create(pk=1, defaults={"name": "ESS test", "short_name": "ESS"})
    team.name, team.short_name, team.email = "ESS du Var", "ESS 83", "contact@ess83.example.org"
    team.save()
    client = client_for(coordinator)

    first = client.get(reverse("home")).text
    team.name, team.short_name = "ESS Var-Est", "ESS VE"
    team.save()
    second = client.get(reverse("home")).text

    assert "ESS du Var" in first and "contact@ess83.example.org" in first
    assert "ESS Var-Est" in second and "ESS VE" in second and "ESS du Var" not in second


def test_without_a_team_pages_say_ess(client_for, coordinator):
    Team.objects.all().delete()

    page = client_for(coordinator).get(reverse("home")).text

    assert "<title>" in page and " · ESS</title>" in page
