"""The benchmark's app settings plus the prototype of the recommended changes."""

from bench.app_settings import *  # noqa: F403
from bench.app_settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.experiments.apps.TunedConfig"]
