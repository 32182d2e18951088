"""The quarterly newsletter; the app's urls.py mounts it under /lettre/."""

from django.urls import include, path

from projet_sante.newsletter import views

# Managers: /lettre/gestion/<uuid>/…
manage_patterns = [
    path("", views.newsletter_manage, name="newsletter_manage"),
    path("chiffres/", views.newsletter_refresh_figures, name="newsletter_refresh_figures"),
    path("apercu/", views.newsletter_preview, name="newsletter_preview"),
    path("apercu/courriel/", views.newsletter_preview_email, name="newsletter_preview_email"),
    path("envoyer/", views.newsletter_send, name="newsletter_send"),
]

urlpatterns = [
    path("", views.newsletter_archive, name="newsletter_archive"),
    path("<uuid:public_id>/", views.newsletter_detail, name="newsletter_detail"),
    path("abonnement/", views.subscribe, name="subscribe"),
    path(
        "abonnement/confirmer/<str:token>/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("gestion/", views.newsletter_manage_list, name="newsletter_manage_list"),
    path("gestion/<uuid:public_id>/", include(manage_patterns)),
]
