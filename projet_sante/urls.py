"""The app's pages, one include per part (URL names in the one namespace "projet_sante")."""

from django.urls import include, path

from projet_sante.indicators import urls as indicators
from projet_sante.newsletter import urls as newsletter
from projet_sante.project import urls as project

app_name = "projet_sante"

urlpatterns = [
    path("lettre/", include(newsletter)),
    path("projet-sante/", include(indicators)),
    path("projet-sante/", include(project)),
]
