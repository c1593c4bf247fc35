"""The app's own settings, unchanged but for where collected static files go.

The benchmark serves the real app with DEBUG off, which needs a collected static
manifest (WhiteNoise). It collects into a temporary folder instead of the project's
staticfiles/, so a benchmark run leaves nothing behind.
"""

import os
from pathlib import Path

from klyngepakke.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
