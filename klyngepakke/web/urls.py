from django.urls import path

from . import round_closing, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("klynger/", views.cluster_list, name="cluster_list"),
    path("klynger/<slug:code>/", views.cluster_detail, name="cluster_detail"),
    path("pakker/", views.package_list, name="package_list"),
    path("pakker/<slug:code>/", views.package_detail, name="package_detail"),
    path("klynger/<slug:code>/runder/<int:round_id>/luk/", round_closing.close_round, name="round_close"),
    path("klynger/<slug:code>/runder/<int:round_id>/genaabn/", round_closing.reopen_round, name="round_reopen"),
]
