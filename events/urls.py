from django.urls import path

from events.views import etp, residents

app_name = "events"

# /evenements/…
urlpatterns = [
    # ETP programmes and their sessions
    path("etp/", etp.etp_list, name="etp_list"),
    path("etp/nouveau/", etp.etp_create, name="etp_create"),
    path("etp/<uuid:public_id>/", etp.etp_detail, name="etp_detail"),
    path("etp/<uuid:public_id>/modifier/", etp.etp_edit, name="etp_edit"),
    path("etp/<uuid:public_id>/seances/", etp.etp_session_add, name="etp_session_add"),
    path("etp/seances/<uuid:public_id>/modifier/", etp.etp_session_edit, name="etp_session_edit"),
    path(
        "etp/seances/<uuid:public_id>/supprimer/",
        etp.etp_session_delete,
        name="etp_session_delete",
    ),
    # Residents: supervisors, offers of places, placements
    path("internes/", residents.residents, name="residents"),
    path(
        "internes/maitres-de-stage/nouveau/",
        residents.supervisor_create,
        name="supervisor_create",
    ),
    path(
        "internes/offres/nouvelle/", residents.training_place_create, name="training_place_create"
    ),
    path(
        "internes/offres/<uuid:public_id>/stage/",
        residents.placement_create,
        name="placement_create",
    ),
]
