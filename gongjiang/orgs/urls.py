from django.urls import path

from . import accounts, views

app_name = "orgs"
urlpatterns = [
    path("unions/", views.union_list, name="union_list"),
    path("unions/<int:pk>/", views.union_detail, name="union_detail"),
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/export/", views.employer_export, name="employer_export"),
    path("employers/new/", views.employer_create, name="employer_create"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/<int:user_id>/password/", accounts.reset_password, name="account_password"),
    path("accounts/<int:user_id>/active/", accounts.set_active, name="account_active"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
]
