from django.urls import path

from klyngepakke.cycle import plan_views

from . import cycle_views as views

app_name = "cycle"

urlpatterns = [
    path("klynger/<slug:code>/bestillinger/<int:order_id>/moedet/", views.meeting, name="meeting"),
    path("klynger/<slug:code>/bestillinger/<int:order_id>/beslutninger/", views.decisions, name="decisions"),
    path("klynger/<slug:code>/bestillinger/<int:order_id>/planer/", plan_views.plans, name="plans"),
    path(
        "klynger/<slug:code>/bestillinger/<int:order_id>/planer/<int:plan_id>/",
        plan_views.plan_detail,
        name="plan_detail",
    ),
    path(
        "klynger/<slug:code>/bestillinger/<int:order_id>/planer/<int:plan_id>/send/",
        plan_views.plan_send,
        name="plan_send",
    ),
    path(
        "klynger/<slug:code>/bestillinger/<int:order_id>/planer/<int:plan_id>/udskriv/",
        plan_views.plan_print,
        name="plan_print",
    ),
    # A practice's own plan, from its e-mailed link (no login): the token is exchanged
    # for the session, then token-free pages.
    path("p/<str:token>/", plan_views.plan_enter, name="plan_enter"),
    path("praksisplan/", plan_views.practice_plan, name="practice_plan"),
    path("praksisplan/udskriv/", plan_views.practice_plan_print, name="practice_plan_print"),
]
