from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from .forms import LockoutAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the site's layout. It renders without the request's context processors
    (whatever failed may fail again there), and falls back to plain text if even that fails."""
    from django.template import loader

    try:
        return HttpResponse(loader.get_template("500.html").render({"request": request}), status=500)
    except Exception:  # the error page must never raise
        return HttpResponse("500 Server Error", content_type="text/plain; charset=utf-8", status=500)
