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

# A database that cannot be reached gives a Danish 503 with Retry-After, anything else 500.
handler500 = "klyngepakke.web.errors.server_error"
