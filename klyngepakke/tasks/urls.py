from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("helbred/", views.health, name="health"),
]
