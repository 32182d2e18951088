"""The newsletter's sections are plain text: everything is escaped, then blank lines make
paragraphs and lines starting with "- " make a bulleted list. Nothing else is interpreted."""

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _block(lines: list[str]) -> str:
    if all(line.startswith("- ") for line in lines):
        items = format_html_join("", "<li>{}</li>", ((line[2:].strip(),) for line in lines))
        return f"<ul>{items}</ul>"
    return "<p>" + "<br>".join(escape(line) for line in lines) + "</p>"


@register.filter
def plain_text(value: str) -> SafeString:
    blocks: list[list[str]] = [[]]
    for raw in str(value or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    # Every piece of text went through escape() or format_html_join() above.
    return mark_safe("\n".join(_block(lines) for lines in blocks if lines))
