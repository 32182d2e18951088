"""`/`: the public front page for visitors, each person's home once signed in."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.selectors import front_page, home_panels


@require_GET
def home(request):
    """One address for both: a visitor reads what the ESS offers and how to ask it; a signed-in
    person lands on the work that waits for them."""
    if not request.user.is_authenticated:
        return render(request, "portal/front_page.html", front_page())
    panels = home_panels(request.user)
    return render(request, "portal/home.html", {"panels": panels})
