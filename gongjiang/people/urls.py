from django.urls import path

from . import record, views

app_name = "people"
urlpatterns = [
    path("workers/", views.worker_list, name="worker_list"),
    path("workers/export/", views.worker_export, name="worker_export"),
    path("workers/new/", views.worker_create, name="worker_create"),
    path("workers/<int:pk>/", views.worker_detail, name="worker_detail"),
    path("workers/<int:pk>/record/", record.worker_record, name="worker_record"),
    path("workers/<int:pk>/edit/", views.worker_edit, name="worker_edit"),
    path("workers/<int:pk>/grades/new/", views.grade_create, name="grade_create"),
    path("workers/<int:pk>/honours/new/", views.honour_create, name="honour_create"),
    path("workers/<int:pk>/reveal/<str:field>/", views.worker_reveal, name="worker_reveal"),
    path("me/", views.me, name="me"),
]
