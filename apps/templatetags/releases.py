"""Showing a release's changes the way people wrote them."""

from django import template

register = template.Library()


@register.filter
def spec_value(value) -> str:
    """Environment pairs as NAME=value, an empty value as a dash, the rest as is."""
    if value in ("", None, [], ()):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(
            f"{item[0]}={item[1]}" if isinstance(item, list | tuple) else str(item)
            for item in value
        )
    return str(value)
