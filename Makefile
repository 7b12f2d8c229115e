# Waarborg: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: install run test e2e fuzz audit chaos lint lint-api format check bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core (accessibility scan of the browser journeys) and spectral (API rules), pinned in package-lock.json
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	$(PY) manage.py compile_translations
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@echo "Serving http://127.0.0.1:8000/ (Ctrl-C stops the server, worker and beat)"
	DJANGO_DEBUG=1 PY=$(PY) scripts/run.sh

test: install
	$(PY) manage.py compile_translations
	WAARBORG_TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

# Browser journeys per role: headless Debian chromium against gunicorn and a Celery worker on
# PostgreSQL (E2E_DATABASE_URL; pytest-django makes its test_ database) with a Redis broker.
# Screenshots (start pages always, any failure) and the axe report go to var/e2e-artifacts/.
E2E_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/e2e
E2E_ARGS ?=
e2e: install
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)
	$(PY) manage.py compile_translations
	DATABASE_URL=$(E2E_DATABASE_URL) WAARBORG_TESTING=1 $(PY) -m pytest -m e2e tests/e2e -p no:randomly $(E2E_ARGS)
	# single sign-on in the browser against the test OpenID provider: its own run, because its
	# live server empties the database that the journeys above load the demo into
	DATABASE_URL=$(E2E_DATABASE_URL) WAARBORG_TESTING=1 $(PY) -m pytest -m e2e tests/sso -p no:randomly $(E2E_ARGS)

# Schemathesis against the API schema: FUZZ_EXAMPLES examples per operation.
FUZZ_EXAMPLES ?= 25
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -m fuzz tests/fuzz -q -n 2
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest tests/reliability/test_import_properties.py -q

# Faults on private PostgreSQL, Redis and SMTP instances (never the machine's own services).
CHAOS ?= postgres_restart redis_restart reminders_killed smtp_down
chaos: install
	@set -e; for scenario in $(CHAOS); do echo "== chaos: $$scenario"; (cd scripts/chaos && PY=$(CURDIR)/$(PY) $(CURDIR)/$(PY) $$scenario.py); done

# pip-audit over the pinned requirements (says plainly when no vulnerability service is reachable)
audit:
	scripts/audit.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

# The v2 schema against the NL API Design Rules (ADR 2.1, ruleset .spectral.yaml): no errors.
lint-api: install
	mkdir -p var
	$(PY) manage.py spectacular --api-version v2 --format openapi-json --file var/openapi-v2.json
	node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity error --display-only-failures var/openapi-v2.json

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmarks run on their own database (default: var/bench.sqlite3; set BENCH_DATABASE_URL
# to a PostgreSQL database to measure there).
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/var/bench.sqlite3
BENCH_ARGS ?=
bench: install
	mkdir -p var
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --no-input -v 0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles node_modules
