"""The REST API (OpenAPI 3 at /api/openapi.json, interactive docs at /api/docs).

Each app declares its part in its own ``api.py`` (``ROUTERS = [router]``); this module mounts them
in layer order and knows no domain. Every endpoint starts from the same visibility selectors as the
pages and checks the same capabilities, so a token sees exactly what its user sees.
"""

import sys

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.operation import Operation

from gongjiang.core.plugins import contributions

from .auth import TokenAuth


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``<module>_<function>``, as django-ninja makes it, unless the module keeps the ids it was
        published with (``OPERATION_ID_PREFIX``): an operation id is part of the API's contract."""
        module = operation.view_func.__module__
        prefix = getattr(sys.modules[module], "OPERATION_ID_PREFIX", module.replace(".", "_"))
        return f"{prefix}_{operation.view_func.__name__}"


api = Api(
    title="Gongjiang API",
    version="1",
    auth=TokenAuth(),
    docs_decorator=login_required,
    urls_namespace="api-1",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


for router in contributions("api", "ROUTERS"):
    api.add_router("/", router)
