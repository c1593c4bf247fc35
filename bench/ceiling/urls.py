from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:token>/", views.enter),
    path("svar/", views.landing),
    path("svar/gennemse/", views.review),
    path("svar/side/<slug:code>/", views.section),
]
