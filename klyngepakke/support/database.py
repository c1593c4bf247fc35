"""Telling a database that cannot be reached from an error in the statement itself.

`unreachable(exc)` is true for the errors a restart, a fail-over, a crash or a missing
database file give: the connection could not be made or was lost. Everything else (a
missing table, a deadlock, a cancelled statement, bad SQL) is false: those are faults to
see as such, never to be excused as "try again later".
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

# PostgreSQL SQLSTATEs that concern the connection, not the statement: class 08
# (connection exception) and 57P01-57P03 (terminated by the administrator, by a crash
# shutdown, "the database system is starting up / shutting down").
_CONNECTION_STATES = ("57P01", "57P02", "57P03")
# SQLite: the file cannot be opened, or reading or writing it failed.
_SQLITE_UNREACHABLE = ("SQLITE_CANTOPEN", "SQLITE_IOERR")


def unreachable(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True  # the connection is closed or broken
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__  # Django re-raises the driver's exception "from" it
    driver = type(cause).__module__
    if driver.startswith("psycopg"):
        # psycopg gives no SQLSTATE when it could not connect or lost the connection.
        state = getattr(cause, "sqlstate", None)
        return state is None or state.startswith("08") or state in _CONNECTION_STATES
    if driver == "sqlite3":
        return str(getattr(cause, "sqlite_errorname", "")).startswith(_SQLITE_UNREACHABLE)
    return False
