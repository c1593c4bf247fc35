"""Shared test configuration: database choice and fixtures live in tests/ and each app."""
