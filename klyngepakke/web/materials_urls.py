from django.urls import path

from . import materials_views as views

app_name = "materials"

urlpatterns = [
    path("klynger/<slug:code>/runder/<int:round_id>/materialer/alle.zip", views.download_all, name="download_all"),
    path("klynger/<slug:code>/runder/<int:round_id>/materialer/<slug:exporter>/", views.download, name="download"),
    path("klynger/<slug:code>/runder/<int:round_id>/materialer-byg/", views.rebuild, name="rebuild"),
]
