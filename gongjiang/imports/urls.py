from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("<slug:kind>/", views.import_list, name="kind"),
    path("<slug:kind>/template/", views.import_template, name="template"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/errors/", views.job_errors, name="job_errors"),
]
