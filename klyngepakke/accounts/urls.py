from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("log-ud/", views.logout_view, name="logout"),
    path("adgangskode/", views.PasswordChangeView.as_view(), name="password_change"),
    path("to-faktor/opsaet/", views.otp_setup, name="otp_setup"),
    path("to-faktor/", views.otp_verify, name="otp_verify"),
]
