"""Importing this module registers every output format (see exporters.py)."""

from . import spreadsheet  # noqa: F401
