from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("klynger/<slug:code>/", views.cluster_detail, name="cluster_detail"),
    path("pakker/", views.package_list, name="package_list"),
    path("pakker/<slug:code>/", views.package_detail, name="package_detail"),
]
