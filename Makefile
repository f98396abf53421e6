# The two commands of the README: `make serve` and `make test`. Both install what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# This machine's pip config lists local mirrors that may be absent; their warnings are noise. So is
# setuptools' banner about editable installs (it reaches the build through PYTHONWARNINGS).
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip --disable-pip-version-check -q
# In braces so that grep finding nothing is fine but a failed pip still fails the pipeline (pipefail).
QUIET := { grep -v "is ignored: it is neither a file nor a directory" || true; }
PORT ?= 8866

.PHONY: help install install-test serve test test-fast bench chromium postgres hub demo clean i18n i18n-compile i18n-tools

help:
	@echo "make serve   install (first time) and start the workbook at http://127.0.0.1:$(PORT)"
	@echo "make test    install (first time) and run every test, browser tests included"
	@echo "make bench   run the benchmarks (not part of make test)"
	@echo "make demo    write the fictional demo ledger to data/demo.sqlite"
	@echo "make i18n    extract the texts to translate, update every language's catalog, compile them"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip 2>&1 | $(QUIET)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e . 2>&1 | $(QUIET)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[test,hub]" 2>&1 | $(QUIET)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed i18n-compile
install-test: $(VENV)/.installed-test i18n-compile

# Translations (microsolidarity_widgets/i18n.py): Babel extracts the texts marked in the code and the
# member pages' templates (babel.cfg) into the template catalog, merges it into each language's .po
# (new texts come in untranslated, changed ones fuzzy: tests/test_i18n.py fails on both until a
# translator has been through them), writes the pseudo-locale from it, and compiles the .mo files.
# A wheel compiles its own (setup.py); nothing here needs a network.
LOCALE := microsolidarity_widgets/locale
CATALOG := $(LOCALE)/microsolidarity.pot
PYBABEL := $(BIN)/pybabel
i18n-tools: | $(BIN)/python
	@$(PIP) show babel >/dev/null 2>&1 || $(PIP) install "Babel>=2.12" 2>&1 | $(QUIET)

i18n: i18n-tools
	$(PYBABEL) -q extract -F babel.cfg -k N_ -c "Translators:" --no-location --sort-output -w 120 \
		--project "Reciprocity Workbook" --copyright-holder "The Reciprocity Workbook's authors" -o $(CATALOG) microsolidarity_widgets workbooks
	$(PYBABEL) -q update -D microsolidarity -i $(CATALOG) -d $(LOCALE) -w 120 --ignore-obsolete
	$(BIN)/python -m microsolidarity_widgets.i18n pseudo
	$(MAKE) --no-print-directory i18n-compile

i18n-compile: i18n-tools
	$(PYBABEL) -q compile -D microsolidarity -d $(LOCALE)

# Browser tests drive Debian's Chromium; Playwright's own browser download does not work offline.
chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "Browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'." >&2; exit 1; \
	fi

# make serve LEDGER=path/to/ledger.sqlite SHARE=1 : another ledger; let members join from their devices.
serve: install
	$(BIN)/microsolidarity serve --port $(PORT) $(if $(LEDGER),--ledger "$(LEDGER)") $(if $(SHARE),--share)

demo: install
	$(BIN)/python -m microsolidarity_widgets.demo data/demo.sqlite --force

# The ledger tests run on SQLite and on a throw-away PostgreSQL server (tests/pg.py starts it
# from Debian's server binaries; no system cluster is used).
postgres:
	@if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's postgresql for the ledger tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "The PostgreSQL ledger tests need a server: run 'sudo apt-get install postgresql' (they skip without it, and fail in CI)." >&2; \
	fi

# The congregation hub's proxy (deploy/): the Node.js configurable-http-proxy from npm, kept beside
# the virtualenv. Without npm the hub falls back to the proxy's Python port, installed by pip.
HUB_PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
$(HUB_PROXY):
	@if command -v npm >/dev/null; then \
		npm install --no-save --no-audit --no-fund --loglevel=error --prefix $(VENV)/node configurable-http-proxy@5; \
	else \
		echo "npm is missing: the hub will use the Python port of configurable-http-proxy." >&2; \
	fi
hub: install-test $(HUB_PROXY)

# One run on every core (xdist's loadgroup): each browser module and each notebook goes whole to one worker,
# as its tests share one server or kernel (tests/conftest.py), the biggest first; the tests without a browser,
# each on its own, then fill whichever worker is free, so neither waits for the other's last module.
test: install-test chromium postgres hub
	$(BIN)/python -m pytest tests workbooks --nbval-lax -n auto --dist loadgroup

test-fast: install-test
	$(BIN)/python -m pytest tests -m "not browser and not slow"

bench: install-test chromium
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts .pytest_cache
