# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)
PORT ?= 8000
export SITE_URL ?= http://127.0.0.1:$(PORT)
# The checkout's git-ignored development environment (DEBUG=true, a generated secret
# key), read by klyngepakke/settings.py, so `manage.py` commands work as printed in the
# README without `make`. Written once and kept: delete it to get a new key.
LOCAL_ENV := var/local.env

.PHONY: run test install lint setup local-env

$(LOCAL_ENV):
	@mkdir -p $(dir $@)
	@umask 077 && $(PYTHON) -c 'import secrets; print("# Development settings for this checkout, written by make (git-ignored; never on a production host).\nDEBUG=true\nSECRET_KEY=" + secrets.token_urlsafe(48))' > $@.tmp && mv $@.tmp $@
	@echo "Wrote $@ (DEBUG=true and a new development SECRET_KEY)"

local-env: $(LOCAL_ENV)

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing locked dependencies into $(VENV) ..."
	@$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
	@$(BIN)/python -c "import django, pptx, psycopg, django_otp" || { echo "dependency install failed"; exit 1; }
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

setup: $(STAMP) $(LOCAL_ENV)
	@$(BIN)/python manage.py migrate --verbosity 0
	@$(BIN)/python manage.py load_catalogue
	@$(BIN)/python manage.py seed_demo

run: setup
	@$(BIN)/python manage.py demo_logins
	@echo "Serving on http://127.0.0.1:$(PORT)/ (the scheduler and a task worker run alongside; health at /helbred/)"
	@$(BIN)/python manage.py run_worker & scheduler=$$!; \
	  $(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	  trap 'kill $$scheduler $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP) $(LOCAL_ENV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 1
	$(BIN)/lint-imports --no-cache

test: lint
	@bash scripts/test.sh
