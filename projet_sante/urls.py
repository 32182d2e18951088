from django.urls import include, path

from projet_sante import views
from projet_sante.urls_project import urlpatterns as project_urlpatterns

app_name = "projet_sante"

urlpatterns = [
    path("lettre/", views.newsletter_archive, name="newsletter_archive"),
    path("lettre/<uuid:public_id>/", views.newsletter_detail, name="newsletter_detail"),
    path("lettre/abonnement/", views.subscribe, name="subscribe"),
    path(
        "lettre/abonnement/confirmer/<str:token>/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("lettre/desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("lettre/gestion/", views.newsletter_manage_list, name="newsletter_manage_list"),
    path("lettre/gestion/<uuid:public_id>/", views.newsletter_manage, name="newsletter_manage"),
    path(
        "lettre/gestion/<uuid:public_id>/chiffres/",
        views.newsletter_refresh_figures,
        name="newsletter_refresh_figures",
    ),
    path(
        "lettre/gestion/<uuid:public_id>/apercu/",
        views.newsletter_preview,
        name="newsletter_preview",
    ),
    path(
        "lettre/gestion/<uuid:public_id>/apercu/courriel/",
        views.newsletter_preview_email,
        name="newsletter_preview_email",
    ),
    path("lettre/gestion/<uuid:public_id>/envoyer/", views.newsletter_send, name="newsletter_send"),
    # Indicators and generated reports live under /projet-sante/ too.
    path("projet-sante/", include("projet_sante.urls_indicators")),
]

# The health-project document.
urlpatterns += project_urlpatterns
