"""PDF documents (WeasyPrint): one way to render them and one way to send them.

The templates under templates/pdf/ carry their CSS inline and their charts as SVG, so nothing is
fetched while rendering. They are rendered in French, whatever the reader's language: they are
the ESS's documents for the ARS/CPAM, host sites and partners.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML

    with translation.override("fr"):
        html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_attachment(pdf: bytes, filename: str) -> HttpResponse:
    """A download that no shared cache keeps (the documents may name patients or members)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
