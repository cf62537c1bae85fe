from django.urls import path

from . import views, views_entries, views_results

app_name = "competitions"
urlpatterns = [
    path("", views.competition_list, name="list"),
    path("new/", views.competition_create, name="create"),
    path("tiers/", views.organising_rights, name="tiers"),
    path("<int:pk>/", views.competition_detail, name="detail"),
    path("<int:pk>/edit/", views.competition_edit, name="edit"),
    path("<int:pk>/transition/", views.competition_transition, name="transition"),
    path("<int:pk>/events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/export/", views.event_entries_export, name="event_export"),
    path("events/<int:pk>/candidates/", views_entries.event_candidates, name="event_candidates"),
    path("events/<int:pk>/register/", views_entries.entry_register, name="entry_register"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("judges/", views.judge_list, name="judges"),
    path("events/<int:pk>/judges/", views.event_assign, name="event_assign"),
    path("assignments/<int:pk>/", views.assignment_change, name="assignment_change"),
    path("judging/", views.judging, name="judging"),
    path("mine/", views_results.my_results, name="mine"),
    path("figures/", views_results.figures_view, name="figures"),
    path("events/<int:pk>/scheme/", views_results.event_scheme, name="event_scheme"),
    path("events/<int:pk>/mark/", views_results.event_mark, name="event_mark"),
    path("events/<int:pk>/results/", views_results.event_results, name="event_results"),
    path("events/<int:pk>/results/export/", views_results.event_results_export, name="event_results_export"),
    path("events/<int:pk>/sign-off/", views_results.event_sign_off, name="event_sign_off"),
    path("entries/<int:pk>/objection/", views_results.objection_raise, name="objection_raise"),
    path("objections/<int:pk>/decide/", views_results.objection_decide, name="objection_decide"),
    path("<int:pk>/notice/", views_results.public_notice, name="public_notice"),
    path("<int:pk>/certificates/", views_results.competition_certificates, name="certificates"),
    path("certificates/<int:pk>/revoke/", views_results.certificate_revoke, name="certificate_revoke"),
    path("certificates/<slug:code>.pdf", views_results.certificate_pdf, name="certificate_pdf"),
]
