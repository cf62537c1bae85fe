from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from .scope import Scope


class ScopeMiddleware:
    """Puts ``request.scope`` (built lazily, once per request) beside ``request.user``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: Scope(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
