from allauth.socialaccount import app_settings
from django.urls import path

from members.psc import views

# /accounts/oidc/psc/login/ and its callback, as allauth names OpenID Connect providers' paths.
_prefix = f"{app_settings.OPENID_CONNECT_URL_PREFIX}/<str:provider_id>"
urlpatterns = [
    path(f"{_prefix}/login/", views.login, name="psc_login"),
    path(f"{_prefix}/login/callback/", views.callback, name="psc_callback"),
]
