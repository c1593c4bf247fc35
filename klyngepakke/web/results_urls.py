from django.urls import path

from . import results_views as views

app_name = "results"

urlpatterns = [
    path("klynger/<slug:code>/runder/<int:round_id>/resultater/", views.round_results_page, name="round"),
    path("nationalt/", views.national_overview_page, name="national"),
    path("api/resultater/runder/<int:round_id>.json", views.round_results_json, name="round_json"),
]
