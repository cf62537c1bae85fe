import logging
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak zh-Hans unless the user picked another language with the switch (a cookie).

    The browser's Accept-Language is ignored for pages, so an intranet PC with an English
    browser still opens in Chinese; API clients may still ask for English with the header.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


def _has_nul(value: str) -> bool:
    return "\x00" in value or "%00" in value


class RejectNulMiddleware:
    """Answer 400 to any request that carries a NUL byte in its path, query string, form or JSON body.

    PostgreSQL refuses NUL in text (a 500 deep in a query) and SQLite stores it; no field of this
    platform has a use for it, so it is refused at the edge, once, in the user's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            message = _("The request contains a NUL character (U+0000), which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or _has_nul(request.META.get("QUERY_STRING", "")):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            if content_type.startswith("multipart/"):
                # File contents may hold any byte; only the ordinary fields are text.
                return any("\x00" in v for values in request.POST.lists() for v in values[1])
            body = request.body if request.method in {"POST", "PUT", "PATCH", "DELETE"} else b""
        except Exception:  # a malformed or oversized body is the view's business (Django answers 400)
            return False
        if content_type.startswith("application/x-www-form-urlencoded"):
            return b"\x00" in body or b"%00" in body
        return b"\x00" in body or b"\\u0000" in body.lower()  # raw, or escaped in JSON


def conflict_message() -> str:
    return _("Another request changed the same record at the same moment; nothing was saved. Reload and try again.")


class ConflictMiddleware:
    """A page whose write lost a race to another request (the database refused a duplicate) answers
    409 with a clear message instead of a 500: nothing was doubled, and the user may simply retry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, IntegrityError):
            return None
        logger.info("write refused by a database constraint: %s %s", request.method, request.path)
        back = request.path if url_has_allowed_host_and_scheme(request.path, allowed_hosts=None) else "/"
        return render(request, "409.html", {"message": conflict_message(), "back": back}, status=409)
