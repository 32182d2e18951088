from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ess import api, views
from events.api import CampaignViewSet, EtpProgrammeViewSet, TrainingViewSet
from interop.fhir.audit import audit_export_ndjson
from members.api import MemberViewSet
from partners.api import ConventionViewSet, PartnerViewSet
from pathways.api import PathwayTaskViewSet, PathwayViewSet
from portal import views as portal
from projet_sante.indicators.api import indicators as indicators_api
from projet_sante.project.api import ProjectVersionViewSet
from referrals.api import ReferralViewSet
from referrals.booking.api import ConsultationSessionViewSet
from scheduling.api import OnCallShiftViewSet

# The admin signs in through allauth: same form, same rate limits, same MFA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Administration ESS"
handler404 = views.page_not_found

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("referrals", ReferralViewSet, basename="referral")
router.register("partners", PartnerViewSet, basename="partner")
router.register("conventions", ConventionViewSet, basename="convention")
router.register("members", MemberViewSet, basename="member")
router.register(
    "consultation-sessions", ConsultationSessionViewSet, basename="consultation-session"
)
router.register("project-versions", ProjectVersionViewSet, basename="project-version")
router.register("on-call-shifts", OnCallShiftViewSet, basename="on-call-shift")
# Before "pathways": its tasks are not a pathway's id.
router.register("pathways/tasks", PathwayTaskViewSet, basename="pathway-task")
router.register("pathways", PathwayViewSet, basename="pathway")
# Before "events": campaigns and ETP programmes are not a training's id.
router.register("events/campaigns", CampaignViewSet, basename="event-campaign")
router.register("events/etp-programmes", EtpProgrammeViewSet, basename="event-etp-programme")
router.register("events", TrainingViewSet, basename="event")

api_v1 = [
    path("me/", api.me, name="me"),
    path("communes/", api.communes, name="communes"),
    path("notifications/", api.NotificationList.as_view(), name="notifications"),
    path("notifications/<uuid:public_id>/read/", api.notification_read, name="notification_read"),
    path("indicators/", indicators_api, name="indicators"),
    *router.urls,
]

urlpatterns = [
    path("", portal.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("communes/options/", views.commune_options, name="commune_options"),
    path("communes/recherche/", views.commune_search, name="commune_search"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.ndjson", audit_export_ndjson, name="audit_export_ndjson"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/lues/", views.notification_read, name="notification_read_all"),
    path("notifications/<uuid:public_id>/lue/", views.notification_read, name="notification_read"),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path("compte/jetons/", views.api_tokens, name="api_tokens"),
    path(
        "compte/jetons/<uuid:public_id>/revoquer/", views.api_token_revoke, name="api_token_revoke"
    ),
    path("", include("members.urls")),
    path("", include("referrals.urls")),
    path("", include("scheduling.urls")),
    path("", include("projet_sante.urls")),
    path("", include("partners.urls")),
    path("parcours/", include("pathways.urls")),
    path("rcp/", include("meetings.urls")),
    path("evenements/", include("events.urls")),
    path("budget/", include("finance.urls")),
    path("association/", include("association.urls")),
    path("fhir/", include("interop.urls")),
    path("plateformes/", include("interop.urls_pages")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
