from django.http import HttpRequest

from gongjiang.orgs import rules

NAMES = tuple(v for k, v in vars(rules).items() if k.isupper() and isinstance(v, str))


def capabilities(request: HttpRequest) -> dict[str, object]:
    """``caps.<name>`` is true in templates when the user holds that capability anywhere."""
    scope = getattr(request, "scope", None)
    if scope is None or not getattr(request.user, "is_authenticated", False):
        return {"caps": {}}
    return {"caps": {name: scope.has(name) for name in NAMES}}
