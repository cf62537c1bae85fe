# Gongjiang: `make run` serves the demo as production would (gunicorn + the task worker),
# `make dev` serves it with a reloading server, `make test` runs the whole suite.
PY := .venv/bin/python
PIP := .venv/bin/pip
STAMP := .venv/.installed-$(shell cat requirements-dev.txt package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
PORT ?= 8000
XDIST ?= 2
# gunicorn processes for `make run` (production: gunicorn.conf.py, two per core plus one)
WEB_WORKERS ?= 3

.PHONY: run dev bundle test test-fast lint lock bench messages setup system-packages clean

# What the project needs from Debian, as "a file that proves it is there:package".
SYSTEM_NEEDS := /usr/bin/chromium:chromium /usr/share/fonts/truetype/wqy/wqy-microhei.ttc:fonts-wqy-microhei \
	/usr/bin/msgfmt:gettext node:nodejs npm:npm /usr/bin/pdftotext:poppler-utils
# Shared libraries (WeasyPrint's text layout) are checked by package name.
SYSTEM_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

system-packages:
	@missing=""; for need in $(SYSTEM_NEEDS); do what=$${need%%:*}; pkg=$${need##*:}; \
	  if [ -e "$$what" ] || command -v "$$what" >/dev/null 2>&1; then :; else missing="$$missing $$pkg"; fi; done; \
	for pkg in $(SYSTEM_LIBS); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): requirements-dev.txt package-lock.json
	@$(MAKE) --no-print-directory system-packages
	test -x $(PY) || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q --require-hashes -r requirements-dev.txt
	npm ci --no-audit --no-fund --ignore-scripts
	rm -f .venv/.installed-*; touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
	mkdir -p var

run: setup
	$(PY) manage.py migrate -v0
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Serving the demo (演示环境) on http://127.0.0.1:$(PORT)/ with gunicorn, $(WEB_WORKERS) workers, and the task worker"
	@trap 'kill 0' INT TERM EXIT; export DEBUG=0 DEMO=1; $(PY) manage.py db_worker --no-reload & \
	  .venv/bin/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WEB_WORKERS) & wait

# Developers: Django's reloading server (DEBUG on, debug pages) and a reloading task worker.
dev: setup
	$(PY) manage.py migrate -v0
	$(PY) manage.py seed_demo --if-empty
	@trap 'kill 0' INT TERM EXIT; $(PY) manage.py db_worker & $(PY) manage.py runserver 127.0.0.1:$(PORT)

# One archive to install with no package registry (deploy/bundle.sh, docs/operations.md).
bundle: setup
	deploy/bundle.sh

test: setup
	$(PY) -m pytest -n $(XDIST) --junitxml=var/junit.xml

lint: setup
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	.venv/bin/mypy gongjiang/core/validators.py gongjiang/core/audit.py gongjiang/core/bulk.py gongjiang/orgs/scope.py \
	  gongjiang/*/services.py gongjiang/*/services/*.py gongjiang/*/queries.py gongjiang/competitions/eligibility.py \
	  gongjiang/competitions/scoring.py gongjiang/competitions/marking.py gongjiang/labour/scoring.py \
	  gongjiang/policy/engine.py gongjiang/core/backup.py gongjiang/core/health.py gongjiang/core/checks.py

lock:
	uv pip compile -q --generate-hashes --python-version 3.11 requirements.in -o requirements.txt
	uv pip compile -q --generate-hashes --python-version 3.11 requirements-dev.in -o requirements-dev.txt

bench: setup
	$(PY) bench/import_workers.py --rows 100000

messages: setup
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=var --no-obsolete

clean:
	rm -rf .venv node_modules var
