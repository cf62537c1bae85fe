from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx made (it then wants a partial, not the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
