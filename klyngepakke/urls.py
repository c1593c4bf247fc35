from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/", include("klyngepakke.accounts.urls")),
    path("sprog/", set_language, name="set_language"),
    path("", include("klyngepakke.web.surveys_urls")),
    path("", include("klyngepakke.web.results_urls")),
    path("", include("klyngepakke.web.materials_urls")),
    path("", include("klyngepakke.web.cycle_urls")),
    path("", include("klyngepakke.web.urls")),
    path("", include("klyngepakke.tasks.urls")),
]
