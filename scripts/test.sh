#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when it is reachable.
# REQUIRE_POSTGRES=1 (set by CI) makes an unreachable PostgreSQL a failure.
# TEST_POSTGRES_URL picks the server (default: postgres://postgres@127.0.0.1:5432/klyngepakke);
# the tests create and drop their own database (test_klyngepakke[_gwN]).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG=true
WORKERS=${TEST_WORKERS:-2}
PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/klyngepakke}

run_pytest() {
  local status=0
  "$BIN/pytest" -n "$WORKERS" -q "$@" || status=$?
  # Exit 5 means no tests ran: that is a failure here, never a pass.
  if [ "$status" -ne 0 ]; then return "$status"; fi
}

echo "== Tests on SQLite"
(unset DATABASE_URL; run_pytest "$@")

# Ping the server's own "postgres" database: the named one need not exist (the tests
# create test_<name>), so parallel checkouts can each use a name of their own.
if "$BIN/python" -c "import psycopg,sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); psycopg.connect(p._replace(path='/postgres').geturl(), connect_timeout=3).close()" "$PG_URL" 2>/dev/null; then
  echo "== Tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" run_pytest "$@"
elif [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable at $PG_URL" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $PG_URL: skipped the PostgreSQL run (set REQUIRE_POSTGRES=1 to require it)"
fi
