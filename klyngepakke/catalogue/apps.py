from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "klyngepakke.catalogue"
    label = "catalogue"
    verbose_name = "Pakkekatalog"
