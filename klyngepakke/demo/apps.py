from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo: its history of orders, rounds and answers, and `seed_demo`."""

    name = "klyngepakke.demo"
    label = "demo"
    verbose_name = "Demo"
