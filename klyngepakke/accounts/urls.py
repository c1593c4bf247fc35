from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("log-ud/", views.logout_view, name="logout"),
    path("adgangskode/", views.PasswordChangeView.as_view(), name="password_change"),
    path("glemt-adgangskode/", views.password_reset, name="password_reset"),
    path("glemt-adgangskode/sendt/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "ny-adgangskode/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("ny-adgangskode/faerdig/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("to-faktor/opsaet/", views.otp_setup, name="otp_setup"),
    path("to-faktor/", views.otp_verify, name="otp_verify"),
]
