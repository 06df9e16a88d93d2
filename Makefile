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
# uv installs the same pinned packages as pip in seconds where pip took about a minute (it asks
# the index for all of them at once and resolves in Rust); pip stays the fallback where uv cannot
# run. UV_VERSION pins the installer itself.
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
INSTALL = $(UV) pip install --quiet --python $(PY) $(1) || $(PIP) install $(1)
export UV_LINK_MODE := copy

$(VENV)/.installed: pyproject.toml
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	@[ -x $(UV) ] || $(PIP) install uv==$(UV_VERSION) || true
	$(call INSTALL,-e .)
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(call INSTALL,-e ".[dev]")
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
