from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ess import api, views
from members.api import MemberViewSet
from referrals.api import ReferralViewSet

# The admin signs in through allauth: same form, same rate limits, same MFA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Administration ESS"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("referrals", ReferralViewSet, basename="referral")
router.register("members", MemberViewSet, basename="member")

api_v1 = [
    path("me/", api.me, name="me"),
    path("communes/", api.communes, name="communes"),
    *router.urls,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("communes/options/", views.commune_options, name="commune_options"),
    path("audit/", views.audit_list, name="audit_list"),
    path("", include("members.urls")),
    path("", include("referrals.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
