# Sibao — two commands: `make run` (the platform on SQLite with demo data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

SCALE ?= 1.0

.PHONY: bench run worker test setup setup-test demo-data browser lint typecheck check-migrations vendor-check lock serve

# Issue 9 #1: one command runs the whole platform — gunicorn, the task worker and the scheduler — after a first
# scheduler pass has run the due jobs, so the first page already shows consistent figures; Ctrl-C stops all three.
run: setup demo-data ## Set up everything, load demo data, print logins, serve on 127.0.0.1:$(PORT) with worker and scheduler
	@$(PY) manage.py demo_logins
	@$(PY) manage.py run_platform --bind 127.0.0.1:$(PORT)

serve: setup ## Production: set up (migrate, collectstatic) and serve on 127.0.0.1:$(PORT) without demo data
	@$(VENV)/bin/gunicorn sibao.wsgi:application --bind 127.0.0.1:$(PORT) --workers 3 --access-logfile - --log-level warning

worker: setup ## Only the task worker and the scheduler (when the web server runs elsewhere); Ctrl-C stops both
	@trap 'kill 0' EXIT; $(PY) manage.py schedule_jobs --loop 300 & $(PY) manage.py db_worker

test: setup-test browser ## Set up and run the whole suite on SQLite (browser tests included)
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# collectstatic: with SIBAO_PRODUCTION=true pages are served from the hashed copies in var/static (whitenoise)
# and every page fails until they exist, so set-up always makes them (a few seconds; unchanged files are skipped).
setup: $(VENV)/.runtime
	@mkdir -p var/static
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py collectstatic --noinput -v 0

setup-test: $(VENV)/.dev
	@mkdir -p var/static

demo-data: setup ## Reference data (regions, organisation) and demo data; idempotent
	@$(PY) manage.py load_demo

# Debian's chromium and CJK fonts for the Playwright tests; never a browser download.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk" || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# EP-2/EP-7 speed figures (issue 5): `make bench SCALE=1.0`. PostgreSQL figures need DATABASE_URL naming a database
# of its own (its tables are dropped), e.g. postgres://sibao@127.0.0.1:54330/sibao_bench; SQLite always runs.
# Issue 10: then the page sweep over a freshly generated province (SCALE 1.0 = 100,000 enterprises; 0.05 for a
# quick run; the generator prints how long it took). To re-sweep data already there without `make`:
# `benchmarks/pages.py RUNS [--users …] [--only …]`.
BENCH_RUNS ?= 5
bench: setup-test ## Print the epidemic benchmark figures and the page sweep as `name: value unit`
	$(PY) benchmarks/epidemic.py $(SCALE)
	@case "$$DATABASE_URL" in postgres*) $(PY) benchmarks/tracing.py $(SCALE);; *) echo "# tracing figures skipped: PostgreSQL only";; esac
	@# DB-1…DB-4 (issue 11 #3) and the page sweep (issue 10) on one province data set, generated once (its tables are
	@# dropped): screen_p95_ms / screen_queries, then every page. Without a PostgreSQL DATABASE_URL both run on a
	@# SQLite file of their own (made afresh), never the dev database.
	@case "$$DATABASE_URL" in postgres*) db="$$DATABASE_URL";; \
	  *) rm -f $(CURDIR)/var/bench-province.sqlite3; db=sqlite:///$(CURDIR)/var/bench-province.sqlite3;; esac; \
	  DATABASE_URL=$$db $(PY) benchmarks/screen.py 20 --generate $(SCALE) && DATABASE_URL=$$db $(PY) benchmarks/pages.py $(BENCH_RUNS)
	@# PO-2 (issue 14): policy_match_all_s, policy_match_one_ms — likewise never on the dev database.
	@case "$$DATABASE_URL" in postgres*) db="$$DATABASE_URL";; \
	  *) rm -f $(CURDIR)/var/bench-policies.sqlite3; db=sqlite:///$(CURDIR)/var/bench-policies.sqlite3;; esac; \
	  DATABASE_URL=$$db $(PY) benchmarks/policies.py $(SCALE)
	@case "$$DATABASE_URL" in postgres*) $(PY) benchmarks/emergency.py $(SCALE);; *) echo "# switch_city_s skipped: PostgreSQL only";; esac
	@case "$$DATABASE_URL" in postgres*) $(PY) benchmarks/logistics.py $(SCALE);; *) echo "# pass check figures skipped: PostgreSQL only";; esac

lint: setup-test
	$(VENV)/bin/ruff check sibao scripts benchmarks tests conftest.py
	$(VENV)/bin/ruff format --check sibao scripts benchmarks tests conftest.py
	$(VENV)/bin/lint-imports --no-cache  # issue 9 #5: apps stand on sibao.core, never the reverse (pyproject.toml)

typecheck: setup-test
	$(VENV)/bin/mypy sibao

check-migrations: setup-test
	$(PY) manage.py makemigrations --check --dry-run

# Re-create requirements*.txt from the *.in files (exact pins of everything installed).
lock:
	rm -rf /tmp/sibao-lock && $(PYTHON) -m venv /tmp/sibao-lock
	/tmp/sibao-lock/bin/pip install -q -r requirements.in
	/tmp/sibao-lock/bin/pip freeze | grep -v -E "^(pip|setuptools|wheel)==" > requirements.txt
	/tmp/sibao-lock/bin/pip install -q -r requirements-dev.in
	/tmp/sibao-lock/bin/pip freeze | grep -v -E "^(pip|setuptools|wheel)==" > requirements-dev.txt
