"""Content negotiation of the API."""

from rest_framework.negotiation import DefaultContentNegotiation


class UnknownFormatIgnored(DefaultContentNegotiation):
    """A `?format=` naming no renderer is ignored, as any unknown query parameter is, and the
    Accept header decides. DRF answers it with a 404, which says that the resource does not
    exist: `/api/v1/communes/?q=orl&format=csv` is there, only not in CSV."""

    def filter_renderers(self, renderers, format):
        return [renderer for renderer in renderers if renderer.format == format] or renderers
