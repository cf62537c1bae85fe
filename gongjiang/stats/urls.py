from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("definitions/", views.definitions, name="definitions"),
    path("health/", views.health, name="health"),
    path("figures/", views.figures, name="figures"),
    path("u/<int:union_id>/", views.cockpit, name="cockpit"),
    path("u/<int:union_id>/data.json", views.cockpit_json, name="cockpit_json"),
    path("u/<int:union_id>/rows/<slug:code>/", views.rows, name="rows"),
    path("u/<int:union_id>/people/<slug:code>/", views.people, name="people"),
    path("u/<int:union_id>/export/<slug:panel>.xlsx", views.export_panel, name="export"),
    path("u/<int:union_id>/upward.xlsx", views.upward, name="upward"),
    path("u/<int:union_id>/report.pdf", views.yearly_report, name="yearly_report"),
    path("u/<int:union_id>/bulletins/<int:pk>/", views.bulletin, name="bulletin"),
]
