"""A user's own sign-in settings: change the password, set up and use a second factor.

Two factors are django-otp's: a TOTP device (an authenticator app scans a QR code or types the
secret) and a static device holding ten single-use recovery codes. Which users must have them is
the roles' business (orgs.rules.two_factor_required, enforced by orgs.middleware); anyone may opt in.
"""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import BootstrapMixin

RECOVERY_CODES = 10
# The name of the TOTP device `seed_demo` gives demo administrators (demo mode only, see README).
DEMO_DEVICE_NAME = "demo"


class TokenForm(BootstrapMixin, forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class OwnPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    """Django's form: the old password, then the new one twice, through AUTH_PASSWORD_VALIDATORS."""


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app expects it typed: base32, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def demo_code(user: object) -> str | None:
    """In the demo only (DEMO, or a developer's DEBUG), the current code of a demo administrator's
    seeded device (docs/deployment.md, "Two factors in the demo")."""
    if not (settings.DEMO or settings.DEBUG):
        return None
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        return None
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect(_next(request))
    forced = request.user.must_change_password  # type: ignore[union-attr]
    return render(request, "core/password_change.html", {"form": form, "forced": forced})


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First log-in of a user who needs (or wants) two factors: scan, type a code, get recovery codes."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(user)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return render(request, "core/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", _("The code is wrong or has expired. Enter the code the app shows now."))
    url = device.config_url
    context = {
        "form": form,
        "qr": segno.make(url, error="m").svg_data_uri(scale=4),
        "secret": secret_text(device),
        "next": _next(request),
    }
    return render(request, "core/two_factor_setup.html", context)


def _new_recovery_codes(user: object) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app, or one of the recovery codes (each works once)."""
    if not user_has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("The code is wrong or has expired."))
    return render(
        request,
        "core/two_factor_verify.html",
        {"form": form, "next": _next(request), "demo_code": demo_code(request.user)},
    )


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's sign-in settings; a POST makes new recovery codes (the old ones stop working)."""
    has_totp = any(isinstance(d, TOTPDevice) for d in devices_for_user(request.user))
    if request.method == "POST" and has_totp and request.user.is_verified():  # type: ignore[union-attr]
        codes = _new_recovery_codes(request.user)
        return render(request, "core/recovery_codes.html", {"codes": codes, "next": reverse("account_security")})
    return render(request, "core/security.html", {"has_totp": has_totp})
