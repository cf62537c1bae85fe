from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Schema


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx made (it then wants a partial, not the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def need(request: HttpRequest, cap: str) -> None:
    """Refuse (403) unless the user holds the capability somewhere."""
    if not request.scope.has(cap):
        raise PermissionDenied


class ErrorOut(Schema):
    """The body of an API error: a message in the user's language."""

    detail: str
