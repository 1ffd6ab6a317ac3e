# Two commands: `make run` serves the demo store, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test install install-test migrate demo lint audit format messages worker beat clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

# Local targets run in debug mode unless told otherwise; production sets the real variables.
run demo migrate worker beat messages: export DJANGO_DEBUG ?= true

run: demo
	$(BIN)/python manage.py runserver $(HOST)

test: install-test
	bash scripts/install_debian_tool.sh chromium "browser tests will be skipped" chromium fonts-liberation
	bash scripts/install_debian_tool.sh wrk "the bench smoke test will be skipped" wrk
	bash scripts/install_debian_tool.sh nginx "the two-node test will be skipped" nginx
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -c pyproject.toml -r . --severity-level medium --quiet

# Known vulnerabilities in the installed dependencies; needs network access to the database.
audit: install-test
	$(BIN)/python scripts/audit.py $(AUDIT_ARGS)

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the translation catalogues (needs GNU gettext); compiled .mo files are committed.
messages: install
	$(BIN)/python manage.py makemessages --locale pt_BR --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete --add-location file
	$(BIN)/python manage.py compilemessages --locale pt_BR --ignore '.venv/*'

worker: install
	$(BIN)/celery -A config worker --loglevel INFO --queues default,payments,email,logistics,long

beat: install
	$(BIN)/celery -A config beat --loglevel INFO

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media
