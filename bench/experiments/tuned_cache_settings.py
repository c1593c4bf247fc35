"""The benchmark's app settings plus a cache of first-visit section pages (see apps.py)."""

from bench.app_settings import *  # noqa: F403
from bench.app_settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.experiments.apps.TunedConfig"]
BENCH_PAGE_CACHE = True
