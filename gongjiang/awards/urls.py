from django.urls import path

from . import views, views_bulk, views_deadline, views_nominate

app_name = "awards"
urlpatterns = [
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/bulk/", views_bulk.decisions_bulk, name="decisions_bulk"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("competitions/<int:pk>/propose/", views.propose, name="propose"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/<int:pk>/", views.line_detail, name="line"),
    path("budgets/", views.budgets, name="budgets"),
    path("report/", views.report, name="report"),
    path("honours/", views.cycle_list, name="cycles"),
    path("honours/<int:pk>/", views.cycle_detail, name="cycle"),
    path("honours/<int:pk>/advance/", views.cycle_advance, name="cycle_advance"),
    path("honours/<int:pk>/deadline/", views_deadline.cycle_deadline, name="cycle_deadline"),
    path("honours/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("honours/<int:pk>/nominate/", views_nominate.nominate, name="nominate"),
    path("honours/<int:pk>/export/", views_nominate.cycle_export, name="cycle_export"),
    path("honours/<int:pk>/decide/", views_bulk.nominations_bulk, name="nominations_bulk"),
    path("honours/<int:pk>/notice/", views.public_notice, name="notice"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/action/", views.nomination_action, name="nomination_action"),
    path("nominations/<int:pk>/materials/", views.nomination_materials, name="materials"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path("showcase/", views.showcase, name="showcase"),
    path("showcase/<int:year>/", views.showcase, name="showcase_year"),
]
