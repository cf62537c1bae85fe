from django.urls import path

from . import views, views_projects

app_name = "catalogue"

urlpatterns = [
    path("", views.application_list, name="applications"),
    path("apply/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("applications/<int:pk>/plan/", views.plan_download, name="plan"),
    path("review/", views.review_queue, name="review"),
    path("review/bulk/", views.review_bulk, name="review_bulk"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("quotas/", views.quotas, name="quotas"),
    path("stages/", views_projects.stage_reports, name="stage_reports"),
    path("applications/<int:pk>/stages/", views_projects.stage_due_add, name="stage_due_add"),
    path("stages/<int:pk>/", views_projects.stage_report, name="stage_report"),
    path("stages/attachments/<int:pk>/", views_projects.stage_attachment, name="stage_attachment"),
    path("commendations/", views_projects.commendations, name="commendations"),
    path("commendations/bulk/", views_projects.commendations_bulk, name="commendations_bulk"),
    path("applications/<int:pk>/commend/", views_projects.commendation_add, name="commendation_add"),
    path("commendations/<int:pk>/review/", views_projects.commendation_review, name="commendation_review"),
]
