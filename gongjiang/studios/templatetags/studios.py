from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def score_value(post: Any, membership: Any, criterion: Any) -> str:
    """The score typed for one member and criterion, kept when the form comes back with an error."""
    return post.get(f"s-{membership.pk}-{criterion.pk}", "") if post else ""
