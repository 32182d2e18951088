"""System checks for production (`manage.py check --deploy`, and the base URL at every start)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.translation import gettext as _

from ess import antivirus


@register(Tags.security, deploy=True)
def antivirus_check(app_configs, **kwargs):
    """Uploads are patient documents opened by other professionals: production scans them."""
    if not antivirus.scanner_configured():
        return [
            Warning(
                _(
                    "Les fichiers déposés ne sont pas analysés par un antivirus : ni CLAMD_SOCKET "
                    "ni CLAMD_URL n'est défini."
                ),
                hint=_(
                    "Faites tourner clamd (paquet Debian clamav-daemon ou image clamav/clamav) "
                    "avec freshclam, puis définissez CLAMD_URL=tcp://hôte:3310 ou "
                    "CLAMD_SOCKET=/chemin/du/socket."
                ),
                id="ess.W301",
            )
        ]
    try:
        antivirus.scanner_client()
    except antivirus.ScannerMisconfigured:
        return [
            Error(
                _(
                    "CLAMD_URL=%(url)s n'est pas compris : tcp://hôte:port ou unix:///chemin "
                    "attendu."
                )
                % {"url": settings.CLAMD_URL},
                id="ess.E301",
            )
        ]
    if settings.CLAMD_SOCKET and settings.CLAMD_URL:
        return [
            Warning(
                _("CLAMD_SOCKET et CLAMD_URL sont tous deux définis : CLAMD_SOCKET est utilisé."),
                id="ess.W302",
            )
        ]
    return []


# The development address: `make run` passes its own port, production must name its host.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"


@register()
def base_url_check(app_configs, **kwargs):
    """Links in emails and calendar feeds are built on ESS_BASE_URL: outside development, the
    default would send recipients to their own machine."""
    if settings.DEBUG or settings.ESS_BASE_URL not in ("", DEVELOPMENT_BASE_URL):
        return []
    return [
        Warning(
            _(
                "ESS_BASE_URL vaut %(url)s, l'adresse de développement (ou n'est pas défini) : "
                "les liens des courriels et des agendas mèneront au poste de leur destinataire."
            )
            % {"url": DEVELOPMENT_BASE_URL},
            hint=_(
                "Définissez ESS_BASE_URL avec l'adresse publique, par exemple "
                "https://ess.example.org."
            ),
            id="ess.W401",
        )
    ]
