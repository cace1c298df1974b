# KeYuan: `make run` to try it, `make test` to check it, `make serve` for production (gunicorn).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
HTMX_VERSION := $(shell sed -n 's/^HTMX_VERSION = "\(.*\)"/\1/p' app/config.py)
HTMX_FILE := .cache/htmx.org-$(HTMX_VERSION)/package/dist/htmx.min.js
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))

.PHONY: run serve test install install-dev system-packages translations translations-update db lint bench loadtest

run: install translations db
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

serve: install translations db
	$(BIN)/gunicorn --workers 4 --bind 127.0.0.1:8000 wsgi:app

test: install-dev translations $(HTMX_FILE)
	KEYUAN_HTMX_FILE=$(abspath $(HTMX_FILE)) $(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

# Page timings on throwaway databases of 1k and 10k clients (seeded once, cached in .cache/bench/), written to
# bench/RESULTS.md. Options through BENCH_ARGS, e.g. BENCH_ARGS="--big" or "--sizes 200,1000 --pages today,clients".
bench: install translations
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

# Simulated office (30 users) then saturation against gunicorn with 4 workers on 127.0.0.1, writes checked against
# the database; bench/LOADTEST.md. Options through LOADTEST_ARGS, e.g. LOADTEST_ARGS="--clients 1000".
loadtest: install translations
	$(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

install: system-packages $(VENV)/.installed
install-dev: install $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

# PDFs need Pango and HarfBuzz's subsetter; Chinese needs a CJK font (see README).
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
	  echo "KeYuan needs these system packages for PDFs; install them with:"; \
	  echo "  sudo apt-get install -y $$missing"; \
	fi

translations: $(VENV)/.installed $(CATALOGUES)

%.mo: %.po
	$(BIN)/pybabel compile -i $< -o $@

translations-update: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

db: install
	$(FLASK) db upgrade

# The pinned htmx from its npm package, for browser tests that run offline (its hash is checked by a test).
$(HTMX_FILE):
	mkdir -p $(dir $(HTMX_FILE))../..
	cd .cache/htmx.org-$(HTMX_VERSION) && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null && \
	  tar xzf htmx.org-$(HTMX_VERSION).tgz
