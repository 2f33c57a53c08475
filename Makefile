# Entry points: `make run` serves the course with a demo organisation, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := course_app
# Development is opt-in; without APP_ENV the app insists on a production configuration.
export APP_ENV ?= development

.PHONY: run test install install-dev install-bench bench bench-coverage bench-roster translations extract-messages lint lock clean system-packages system-packages-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs come from the lock files (exact versions, checked against their hashes).
$(VENV)/.installed: $(BIN)/python requirements/app.txt pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements/app.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python requirements/dev.txt pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

install: $(VENV)/.installed translations system-packages

install-dev: $(VENV)/.installed-dev translations system-packages-dev tests/nu/node_modules/.installed

# The certificate's PDF (WeasyPrint) needs Pango, HarfBuzz and fonts for every script a name
# may be written in: Latin, Sami, Arabic, Persian (Noto), Chinese and Japanese (Noto CJK).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk
# The browser suite checks every page with the Nu HTML Checker (vnu.jar), which runs on Java.
TEST_PACKAGES := default-jre-headless
PACKAGES ?= $(PDF_PACKAGES)

## Install the Debian packages the certificate's PDF needs (as root), or say which are missing.
system-packages:
	@command -v dpkg >/dev/null || exit 0; \
	missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -eq 0 ]; then \
	  echo "--- installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "Missing Debian packages: sudo apt-get install" $$missing >&2; \
	fi

## The same with Java for the tests, unless a Java runtime is already there.
system-packages-dev:
	@$(MAKE) --no-print-directory system-packages \
	  PACKAGES="$(PDF_PACKAGES) $$(command -v java >/dev/null || echo $(TEST_PACKAGES))"

# The Nu HTML Checker from npm, at the version its lock file pins; its own postinstall script
# (which would download a Java runtime) is not run: the system's Java is used.
tests/nu/node_modules/.installed: tests/nu/package.json tests/nu/package-lock.json
	npm ci --prefix tests/nu --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

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

LOCK_FLAGS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links

## Pin every dependency with its hashes after changing pyproject.toml (needs the package index).
lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile $(LOCK_FLAGS) --output-file requirements/app.txt pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra dev --output-file requirements/dev.txt pyproject.toml

## Time the coverage report and its exports for 50,000 officials on PostgreSQL (by hand).
bench-coverage: install-dev
	$(BIN)/python bench/coverage.py $(BENCH_ARGS)

## Time a 20,000-row roster import, every step, on SQLite and on PostgreSQL from
## BENCH_DATABASE_URL when set ("_roster" added to its name, dropped and created again).
bench-roster: install-dev
	$(BIN)/python bench/roster.py $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check course_app tests migrations

clean:
	rm -rf $(VENV) build *.egg-info
