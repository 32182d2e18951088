from django.apps import AppConfig


class PSCConfig(AppConfig):
    # allauth finds the provider in the `provider` module of an installed app.
    name = "members.psc"
    label = "members_psc"
    verbose_name = "Pro Santé Connect"

    def ready(self):
        import members.psc.adapter  # noqa: F401  (connects the sign-in receiver)
