from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjetSanteConfig(AppConfig):
    name = "projet_sante"
    verbose_name = _("Projet de santé")

    def ready(self):
        # The health project's PDF is a kind of generated report: the project part plugs it
        # into the indicators part's machinery, which knows nothing of versions.
        from projet_sante.project import reports

        reports.register()
        # The workflows' actions (ess.workflow.register) are declared with the permissions.
        import projet_sante.newsletter.permissions
        import projet_sante.project.permissions  # noqa: F401
