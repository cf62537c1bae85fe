from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, WithJsonSchema

# An id no row has: a link built once with it stands for every row's (:func:`per_row`).
URL_SENTINEL = 987654321


def per_row(url: str) -> str:
    """A link built once with :data:`URL_SENTINEL` in place of a row's id, as a ``str.format`` pattern:
    a list of fifty rows formats it fifty times instead of reversing a URL for each row."""
    return url.replace(str(URL_SENTINEL), "{}")


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


# An API page holds at most this many rows; an offset beyond this many rows is refused (422)
# rather than overflowing the database's 64-bit OFFSET.
API_MAX_LIMIT = 500
API_MAX_OFFSET = 10_000_000


class ApiPagination(LimitOffsetPagination):
    """``limit`` (1–500, default 100) and ``offset`` (0–10,000,000), declared in the schema."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=API_MAX_LIMIT, description="Rows per page (1–500).")
        offset: int = Field(0, ge=0, le=API_MAX_OFFSET, description="Rows to skip (0–10,000,000).")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=API_MAX_LIMIT, **kwargs)


def one_of(choices: type[models.TextChoices], *, blank: bool = False) -> Any:
    """A string field that holds one of ``choices`` (``blank``: or "", meaning any), declared as an
    enum in the schema and refused (422) otherwise."""
    values = list(choices.values)

    def check(value: str) -> str:
        if value not in values and not (blank and value == ""):
            raise ValueError(_("Choose one of: %(values)s.") % {"values": ", ".join(values)})
        return value

    declared = [*values, ""] if blank else values
    return Annotated[str, AfterValidator(check), WithJsonSchema({"type": "string", "enum": declared})]
