"""System checks for production (`manage.py check --deploy`)."""

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
