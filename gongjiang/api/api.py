"""The REST API (OpenAPI 3 at /api/openapi.json, interactive docs at /api/docs).

Each app declares its part in its own ``api.py`` (``ROUTERS = [router]``); this module mounts them
in layer order and knows no domain. Every endpoint starts from the same visibility selectors as the
pages and checks the same capabilities, so a token sees exactly what its user sees.

Every error body is ``{"detail": "<message in the user's language>"}`` (422 adds ``errors``, one
entry per refused field), and the schema declares it on every operation.
"""

import logging
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.operation import Operation

from gongjiang.core.http import ErrorOut
from gongjiang.core.middleware import conflict_message
from gongjiang.core.plugins import contributions

from .auth import TokenAuth

logger = logging.getLogger(__name__)

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``<module>_<function>``, as django-ninja makes it, unless the module keeps the ids it was
        published with (``OPERATION_ID_PREFIX``): an operation id is part of the API's contract."""
        module = operation.view_func.__module__
        prefix = getattr(sys.modules[module], "OPERATION_ID_PREFIX", module.replace(".", "_"))
        return f"{prefix}_{operation.view_func.__name__}"

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Declare on every operation the errors any operation may answer (the edge's 400, a missing
        token's 401, a refused capability's 403, a refused input's 422, and for one object or a write
        404 and 409), each with the one error body."""
        schema = super().get_openapi_schema(**kwargs)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
        for path, methods in schema.get("paths", {}).items():
            for method, operation in methods.items():
                # ninja keys its declared responses by int: one key per code, as strings, so the
                # JSON never holds a code twice (Swagger's parser refuses duplicate keys)
                responses = {str(code): body for code, body in operation.get("responses", {}).items()}
                operation["responses"] = responses
                codes = {"400": "Bad request", "401": "Unauthorized", "403": "Forbidden", "422": "Invalid input"}
                if "{" in path:
                    codes["404"] = "Not found"
                if method != "get":
                    codes["409"] = "Conflict"
                for code, description in codes.items():
                    responses.setdefault(code, _error_response(description))
        return schema


def _signed_in_or_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and the docs open for a signed-in user or an API token (``Authorization: Bearer``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated or TokenAuth()(request):
            return view(request, *args, **kwargs)
        if "HTTP_AUTHORIZATION" in request.META:
            return JsonResponse(
                {"detail": _("The API token is missing, revoked or wrong.")},
                status=401,
                json_dumps_params={"ensure_ascii": False},
            )
        return redirect_to_login(request.get_full_path())

    return wrapped


api = Api(
    title="Gongjiang API",
    version="1",
    auth=TokenAuth(),
    docs_decorator=_signed_in_or_token,
    urls_namespace="api-1",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """One readable sentence in ``detail`` (as the schema says), each refused field in ``errors``."""
    errors = [
        {
            "field": ".".join(str(part) for part in e.get("loc", ())[1:]) or str(e.get("loc", ("",))[0]),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    problems = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors)
    body = {"detail": _("The request was refused: %(problems)s") % {"problems": problems}, "errors": errors}
    return api.create_response(request, body, status=422)


def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number beyond what the database stores (an id of 2^70, say) is refused, not a 500."""
    return api.create_response(request, {"detail": _("A number in the request is out of range.")}, status=422)


api.add_exception_handler(OverflowError, _out_of_range)
api.add_exception_handler(DataError, _out_of_range)  # PostgreSQL: "integer out of range"


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """Two requests raced for the same row and the database kept one: the other learns so (409)."""
    logger.info("API write refused by a database constraint: %s %s", request.method, request.path)
    return api.create_response(request, {"detail": conflict_message()}, status=409)


for router in contributions("api", "ROUTERS"):
    api.add_router("/", router)
