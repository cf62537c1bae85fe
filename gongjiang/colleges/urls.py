from django.urls import path

from . import views

app_name = "colleges"
urlpatterns = [
    path("", views.college_list, name="list"),
    path("new/", views.college_create, name="create"),
    path("<int:pk>/", views.college_detail, name="detail"),
    path("<int:pk>/edit/", views.college_edit, name="edit"),
    path("<int:pk>/staff/", views.staff_add, name="staff_add"),
    path("staff/<int:pk>/remove/", views.staff_remove, name="staff_remove"),
    path("<int:pk>/teachers/new/", views.teacher_create, name="teacher_create"),
    path("teachers/<int:pk>/edit/", views.teacher_edit, name="teacher_edit"),
    path("<int:pk>/courses/new/", views.course_create, name="course_create"),
    path("<int:pk>/courses/derive/", views.course_derive, name="course_derive"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/delete/", views.unit_delete, name="unit_delete"),
    path("courses/<int:pk>/classes/new/", views.cohort_create, name="cohort_create"),
    path("classes/", views.cohort_list, name="cohort_list"),
    path("classes/<int:pk>/", views.cohort_detail, name="cohort"),
    path("classes/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("classes/<int:pk>/transition/", views.cohort_transition, name="cohort_transition"),
    path("classes/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("classes/<int:pk>/assessment/", views.assessment, name="assessment"),
    path("classes/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("classes/<int:pk>/enrol-me/", views.enrol_me, name="enrol_me"),
    path("classes/<int:pk>/export/", views.cohort_export, name="cohort_export"),
    path("classes/<int:pk>/certificates/", views.certificates_issue, name="certificates_issue"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("enrolments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<slug:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("completions/<int:pk>/grade/", views.completion_grade, name="completion_grade"),
    path("mine/", views.mine, name="mine"),
]
