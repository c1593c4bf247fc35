from django.urls import path

from . import ordering_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("klynger/<slug:code>/", views.cluster_detail, name="cluster_detail"),
    path("pakker/", ordering_views.package_list, name="package_list"),
    path("pakker/<slug:code>/", ordering_views.package_detail, name="package_detail"),
    path("klynger/<slug:code>/bestil/<slug:package_code>/", ordering_views.place_order, name="place_order"),
    path("klynger/<slug:code>/bestillinger/<int:order_id>/annuller/", ordering_views.cancel_order, name="cancel_order"),
    path("klynger/<slug:code>/bestillinger/<int:order_id>/datoer/", ordering_views.reschedule, name="reschedule"),
]
