from django.urls import path

from klyngepakke.surveys import respondent_views

from . import coordinator_views

app_name = "surveys"

urlpatterns = [
    # Respondents (no login): the e-mailed link, then token-free pages.
    path("s/<str:token>/", respondent_views.enter, name="enter"),
    path("svar/", respondent_views.landing, name="landing"),
    path("svar/gennemse/", respondent_views.review, name="review"),
    path("svar/tak/", respondent_views.thanks, name="thanks"),
    path("svar/side/<slug:code>/", respondent_views.section, name="section"),
    # Coordinators and consultants.
    path("klynger/<slug:code>/bestil/", coordinator_views.order_new, name="order_new"),
    path("klynger/<slug:code>/bestillinger/<int:order_id>/", coordinator_views.order_detail, name="order_detail"),
    path("klynger/<slug:code>/runder/<int:round_id>/", coordinator_views.round_detail, name="round_detail"),
    path("klynger/<slug:code>/runder/<int:round_id>/handling/", coordinator_views.round_action, name="round_action"),
]
