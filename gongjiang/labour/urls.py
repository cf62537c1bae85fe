from django.urls import path

from . import views, views_rounds

app_name = "labour"
urlpatterns = [
    path("", views.competition_list, name="list"),
    path("<int:pk>/", views.competition_detail, name="detail"),
    path("<int:pk>/scheme/", views.scheme_edit, name="scheme"),
    path("indicators/<int:pk>/remove/", views.indicator_remove, name="indicator_remove"),
    path("<int:pk>/units/new/", views.unit_add, name="unit_add"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/teams/", views.team_add, name="team_add"),
    path("teams/<int:pk>/members/", views.member_add, name="member_add"),
    path("teams/<int:pk>/members/<int:worker>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/rounds/new/", views_rounds.round_add, name="round_add"),
    path("rounds/<int:pk>/", views_rounds.round_detail, name="round"),
    path("rounds/<int:pk>/units/<int:unit>/", views_rounds.figures_edit, name="figures"),
    path("rounds/<int:pk>/veto/", views_rounds.veto_add, name="veto_add"),
    path("vetoes/<int:pk>/lift/", views_rounds.veto_lift, name="veto_lift"),
    path("rounds/<int:pk>/close/", views_rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/board/", views_rounds.board, name="board"),
    path("rounds/<int:pk>/export/", views_rounds.round_export, name="round_export"),
    path("<int:pk>/standings/", views_rounds.standings, name="standings"),
    path("<int:pk>/standings/export/", views_rounds.standings_export, name="standings_export"),
    path("<int:pk>/standings/publish/", views_rounds.final_publish, name="final_publish"),
    path("<int:pk>/standings/board/", views_rounds.final_board, name="final_board"),
    path("evidence/<int:pk>/", views_rounds.evidence_file, name="evidence"),
]
