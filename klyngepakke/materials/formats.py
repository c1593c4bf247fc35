"""Importing this module registers every output format (see exporters.py)."""

from . import (
    handouts,  # noqa: F401
    spreadsheet,  # noqa: F401
)
