from django import template

from association.money import euros as format_euros

register = template.Library()


@register.filter
def euros(amount) -> str:
    """A Decimal amount as « 1 234,50 € »."""
    return format_euros(amount)
