"""The health project's rich text: authored in Markdown, rendered to HTML, then sanitised.

One function serves the pages and the PDF, so what the authorities read on screen and on paper
is the same, and neither ever carries a script, a style, an event handler or a javascript: link.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_rich_text(source: str) -> SafeString:
    """Markdown → HTML restricted to the allow-list (a `# title` becomes an h2 at most: the
    page owns h1). Links get rel="noopener"; anything else is dropped, scripts with their
    content."""
    html = markdown.markdown(source or "", extensions=["tables", "sane_lists"])
    # Section titles are the page's h2: an author's "#" / "##" become sub-headings.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    html = html.replace("<h5>", "<h4>").replace("</h5>", "</h4>")
    html = html.replace("<h6>", "<h4>").replace("</h6>", "</h4>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
        clean_content_tags={"script", "style"},
    )
    return mark_safe(clean)
