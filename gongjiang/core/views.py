from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongjiang.orgs.queries import employers_for_user, unions_for_user
from gongjiang.orgs.rules import VIEW_WORKERS
from gongjiang.people.queries import workers_for_user

from .forms import LockoutAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    counts = {}
    if scope.has(VIEW_WORKERS):
        counts = {
            "unions": unions_for_user(scope).count(),
            "employers": employers_for_user(scope).count(),
            "workers": workers_for_user(scope, own=False).count(),
        }
    own_worker = workers_for_user(scope).filter(user=request.user).first()
    return render(request, "core/home.html", {"counts": counts, "own_worker": own_worker, "roles": scope.roles})
