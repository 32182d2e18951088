from django import template

from finance.money import euros as _euros

register = template.Library()


@register.filter
def euros(value) -> str:
    """An amount as "1 234,56 €"."""
    return _euros(value)
