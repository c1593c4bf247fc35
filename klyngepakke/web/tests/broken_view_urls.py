"""The project's URLs plus one view whose SQL is wrong (test_database_unreachable)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from klyngepakke.urls import handler500
from klyngepakke.urls import urlpatterns as project_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def broken(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    return HttpResponse("not reached")


urlpatterns = [path("i-stykker/", broken), *project_urlpatterns]
