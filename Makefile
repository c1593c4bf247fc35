# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)
PORT ?= 8000
export DEBUG ?= true
export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test install lint setup

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing locked dependencies into $(VENV) ..."
	@$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
	@$(BIN)/python -c "import django, pptx, psycopg, django_otp" || { echo "dependency install failed"; exit 1; }
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

setup: $(STAMP)
	@$(BIN)/python manage.py migrate --verbosity 0
	@$(BIN)/python manage.py createcachetable
	@$(BIN)/python manage.py load_catalogue
	@$(BIN)/python manage.py seed_demo

run: setup
	@$(BIN)/python manage.py demo_logins
	@echo "Serving on http://127.0.0.1:$(PORT)/ (the scheduler and a task worker run alongside; health at /helbred/)"
	@$(BIN)/python manage.py run_worker & scheduler=$$!; \
	  $(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	  trap 'kill $$scheduler $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 1

test: lint
	@bash scripts/test.sh
