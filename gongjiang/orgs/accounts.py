"""An account administrator's actions on a log-in: reset its password, disable or enable it.

They reach only accounts whose every role lies inside the administrator's account-management reach
(a city admin cannot reset the password of someone who also holds a provincial role), never their own.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongjiang.core.audit import record
from gongjiang.core.forms import BootstrapMixin
from gongjiang.core.models import AuditAction, User

from .models import Role
from .rules import MANAGE_ACCOUNTS
from .scope import Scope


def manageable_user(scope: Scope, actor: User, user_id: int) -> User:
    """The account, if every role it holds is inside the actor's reach; 404 otherwise."""
    user = get_object_or_404(User, pk=user_id)
    union_ids = set(Role.objects.filter(user=user).values_list("union_id", flat=True))
    if user.pk == actor.pk or not union_ids or not all(scope.covers(MANAGE_ACCOUNTS, u) for u in union_ids):
        raise Http404
    return user


class ResetPasswordForm(BootstrapMixin, forms.Form):
    password = forms.CharField(
        label=gettext_lazy("New temporary password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html,
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password, self.user)
        return password


def _require(request: HttpRequest) -> None:
    if not request.scope.has(MANAGE_ACCOUNTS):  # type: ignore[attr-defined]
        raise PermissionDenied


@login_required
def reset_password(request: HttpRequest, user_id: int) -> HttpResponse:
    _require(request)
    user = manageable_user(request.scope, request.user, user_id)  # type: ignore[attr-defined, arg-type]
    form = ResetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user.set_password(form.cleaned_data["password"])
            user.must_change_password = True
            user.save(update_fields=["password", "must_change_password"])
            record(
                actor=request.user,
                action=AuditAction.UPDATE,
                obj=user,
                before={"must_change_password": False},
                after={"must_change_password": True},
                note="password reset",
            )
        messages.success(
            request, _("Password reset. %(name)s must choose a new one at the next log-in.") % {"name": user}
        )
        return redirect("orgs:account_list")
    return render(request, "orgs/account_password.html", {"form": form, "account": user, "nav": "accounts"})


@login_required
@require_POST
def set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    """Disable an account (its sessions and API tokens stop working at once) or enable it again."""
    _require(request)
    user = manageable_user(request.scope, request.user, user_id)  # type: ignore[attr-defined, arg-type]
    active = request.POST.get("active") == "1"
    with transaction.atomic():
        was = user.is_active
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(
            actor=request.user,
            action=AuditAction.UPDATE,
            obj=user,
            before={"is_active": was},
            after={"is_active": active},
        )
    messages.success(request, _("Account enabled.") if active else _("Account disabled."))
    return redirect("orgs:account_list")
