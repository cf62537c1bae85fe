from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from .rules import two_factor_required
from .scope import Scope


class ScopeMiddleware:
    """Puts ``request.scope`` (built lazily, once per request) beside ``request.user``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: Scope(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)


class AccountGateMiddleware:
    """Before any page: a user whose password was reset must choose a new one, and a user who
    needs a second factor (orgs.rules.two_factor_required, or anyone who set one up) must set it up
    or enter a code. Until then only the sign-in pages answer."""

    NO_DEVICE_KEY = "gj_no_second_factor"
    OPEN_PREFIXES = ("/login/", "/logout/", "/account/password/", "/account/2fa/", "/static/", "/i18n/", "/favicon")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(self.OPEN_PREFIXES):
            if user.must_change_password:  # type: ignore[union-attr]
                return self._send(request, "password_change")
            if not user.is_verified():  # type: ignore[union-attr]
                if two_factor_required(user, request.scope.roles):  # type: ignore[attr-defined]
                    return self._send(request, "two_factor_verify" if user_has_device(user) else "two_factor_setup")
                # Someone who may opt in: asked once per session whether they did (one query saved
                # on every later page); setting a device up signs this session in with it.
                if not request.session.get(self.NO_DEVICE_KEY):
                    if user_has_device(user):
                        return self._send(request, "two_factor_verify")
                    request.session[self.NO_DEVICE_KEY] = True
        return self.get_response(request)

    @staticmethod
    def _send(request: HttpRequest, name: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Finish signing in first.")}, status=403)
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
