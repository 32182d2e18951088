from django.urls import path

from events.views import campaigns

app_name = "events"

# /evenements/…
urlpatterns = [
    # Public-health campaigns
    path("campagnes/", campaigns.campaign_list, name="campaign_list"),
    path("campagnes/nouvelle/", campaigns.campaign_create, name="campaign_create"),
    path("campagnes/<uuid:public_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campagnes/<uuid:public_id>/modifier/", campaigns.campaign_edit, name="campaign_edit"),
    path(
        "campagnes/<uuid:public_id>/actions.csv",
        campaigns.campaign_export,
        name="campaign_export",
    ),
    path(
        "campagnes/<uuid:public_id>/actions/",
        campaigns.campaign_action_create,
        name="campaign_action_create",
    ),
    path(
        "campagnes/<uuid:public_id>/actions/<uuid:action_id>/modifier/",
        campaigns.campaign_action_edit,
        name="campaign_action_edit",
    ),
    path(
        "campagnes/<uuid:public_id>/actions/<uuid:action_id>/supprimer/",
        campaigns.campaign_action_delete,
        name="campaign_action_delete",
    ),
]
