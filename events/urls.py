from django.urls import path

from events.views import public

app_name = "events"

# /evenements/…
urlpatterns = [
    path("", public.training_list, name="list"),
    path("calendrier.ics", public.ical, name="ical"),
    path("mes-inscriptions/", public.my_registrations, name="my_registrations"),
    path("inscriptions/<uuid:public_id>/", public.registration_page, name="registration"),
    path(
        "inscriptions/<uuid:public_id>/confirmer/",
        public.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "inscriptions/<uuid:public_id>/annuler/",
        public.registration_cancel,
        name="registration_cancel",
    ),
    path("<uuid:public_id>/", public.training_detail, name="detail"),
    path("<uuid:public_id>/inscription/", public.register, name="register"),
]
