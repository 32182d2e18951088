"""The project's URLs and one page nobody classified yet (see test_authorisation_matrix)."""

from django.http import HttpResponse
from django.urls import path

from ess.urls import urlpatterns as project_urlpatterns


def new_page(request):
    return HttpResponse("")


urlpatterns = [*project_urlpatterns, path("nouvelle-page/", new_page, name="new_page")]
