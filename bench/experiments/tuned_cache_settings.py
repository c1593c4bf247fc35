"""The tuned prototype plus a cache of first-visit section pages (see apps.py)."""

from bench.experiments.tuned_settings import *  # noqa: F403

BENCH_PAGE_CACHE = True
