"""Importing this module registers every output format (see exporters.py)."""

from . import (
    deck,  # noqa: F401
    handouts,  # noqa: F401
    spreadsheet,  # noqa: F401
)
