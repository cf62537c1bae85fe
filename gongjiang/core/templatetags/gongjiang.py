from django import template

register = template.Library()


@register.filter
def join_list(value: object) -> object:
    """Lists (e.g. occupations in an audit row) read as 车工、钳工."""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value
