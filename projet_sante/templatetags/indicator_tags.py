"""Indicator codes as their readers know them: the registry's labels."""

from django import template

from projet_sante.indicators.registry import BY_CODE

register = template.Library()


@register.filter
def indicator_label(code: str) -> str:
    """The registry label of an indicator code; the code itself if it left the registry."""
    indicator = BY_CODE.get(code)
    return str(indicator.label) if indicator else code
