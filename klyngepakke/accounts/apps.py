from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "klyngepakke.accounts"
    label = "accounts"
    verbose_name = "Konti"
