from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongjiang.core.forms import BootstrapMixin

from .models import ApiToken


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """A user's own API tokens; a new token is shown once, right after it is made."""
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "api/token_list.html", {"form": form, "tokens": tokens, "raw": raw})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, user=request.user, pk=pk, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, _("Token revoked."))
    return redirect("api:token_list")
