"""Asking `tenants.access` from templates, to show only the links a user may follow."""

from django import template

from tenants import access
from tenants.access import Action

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, target) -> bool:
    """`{% may "manage_members" organization as allowed %}`"""
    return access.can(context["request"].user, Action(action), target)
