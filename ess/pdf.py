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


def pdf_base_url() -> str:
    """Where relative URLs of a PDF template resolve (nothing is fetched from the network)."""
    return str(settings.BASE_DIR)


def render_html(template_name: str, context: dict) -> str:
    """The HTML of a PDF, rendered in French."""
    with translation.override("fr"):
        return render_to_string(template_name, context)


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url or pdf_base_url()).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template_name, context))


def pdf_attachment(pdf: bytes, filename: str) -> HttpResponse:
    """A download that no shared cache keeps (the documents may name patients or members)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
