# Entry points: `make run` serves the course with a demo organisation, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := course_app
# Development is opt-in; without APP_ENV the app insists on a production configuration.
export APP_ENV ?= development

.PHONY: run test install install-dev install-bench bench translations extract-messages lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

install: $(VENV)/.installed translations

install-dev: $(VENV)/.installed-dev translations

## Compile the translation catalogs (.po -> .mo); part of every install.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d course_app/translations

## Refresh the .po files after adding or changing user-visible strings.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o course_app/translations/messages.pot --no-location --sort-output --width 100 .
	$(BIN)/pybabel update -i course_app/translations/messages.pot -d course_app/translations --no-fuzzy-matching --ignore-obsolete --width 100

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install-dev
	$(BIN)/ruff check course_app tests migrations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install-bench: $(VENV)/.installed-bench translations

## Measure the course pages against a bare Flask page under gunicorn (by hand, about 2 minutes).
## PostgreSQL from BENCH_DATABASE_URL (dropped and created again); BENCH_ARGS=--sqlite for SQLite.
bench: install-bench
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check course_app tests migrations

clean:
	rm -rf $(VENV) build *.egg-info
