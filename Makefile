# 攻坚支部管理系统 — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip -qq
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test venv venv-dev messages lint bench clean help

help:
	@echo "make run   — migrate, load the demo, serve http://127.0.0.1:8000 with a Celery worker and beat"
	@echo "make test  — the whole test suite against real PostgreSQL, Redis and Chromium"
	@echo "make bench — benchmarks at province scale (results in docs/performance.md)"

# The virtualenv is rebuilt when pyproject.toml changes (stamp files record what was installed).
$(VENV)/.installed: pyproject.toml
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e ".[dev]"
	@touch $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

run: venv
	$(PY) manage.py rundemo

test:
	bash .ci/test.sh $(ARGS)

bench: venv-dev
	bash .ci/bench.sh

# Refresh the catalogue after changing source strings, then translate what is new.
messages: venv
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location -i ".venv/*" -i "var/*" -i "static/vendor/*" -i "tests/*"
	$(PY) manage.py compilemessages -l zh_Hans -i .venv

lint: venv-dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf var/celery var/staticfiles
