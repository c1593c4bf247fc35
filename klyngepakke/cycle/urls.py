from django.urls import path

from . import views

app_name = "cycle"

urlpatterns = [
    path("klynger/<slug:code>/bestillinger/<int:order_id>/moedet/", views.meeting, name="meeting"),
    path("klynger/<slug:code>/bestillinger/<int:order_id>/beslutninger/", views.decisions, name="decisions"),
    path(
        "klynger/<slug:code>/bestillinger/<int:order_id>/bestil-opfoelgning/",
        views.order_follow_up,
        name="order_follow_up",
    ),
]
