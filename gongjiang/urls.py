from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from gongjiang.api.api import api
from gongjiang.core import account as account_views
from gongjiang.core import views as core_views
from gongjiang.core.health import healthz
from gongjiang.portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("me/certificates/", portal_views.my_certificates, name="my_certificates"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/security/", account_views.security, name="account_security"),
    path("account/2fa/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("account/2fa/", account_views.two_factor_verify, name="two_factor_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("gongjiang.orgs.urls")),
    path("people/", include("gongjiang.people.urls")),
    path("competitions/", include("gongjiang.competitions.urls")),
    path("labour/", include("gongjiang.labour.urls")),
    path("colleges/", include("gongjiang.colleges.urls")),
    path("studios/", include("gongjiang.studios.urls")),
    path("innovations/", include("gongjiang.innovations.urls")),
    path("verify/", portal_views.verify, name="verify_form"),
    path("verify/<slug:code>/", portal_views.verify, name="verify"),
    path("policy/", include("gongjiang.policy.urls")),
    path("awards/", include("gongjiang.awards.urls")),
    path("projects/", include("gongjiang.catalogue.urls")),
    path("stats/", include("gongjiang.stats.urls")),
    path("imports/", include("gongjiang.imports.urls")),
    path("account/tokens/", include("gongjiang.api.urls")),
    path("api/", api.urls),
    path("ops/admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),  # monitoring: plain JSON, no log-in, no personal data
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
]

handler500 = "gongjiang.core.views.server_error"
