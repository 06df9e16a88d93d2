#!/usr/bin/env bash
# The whole test suite against real PostgreSQL, Redis and Chromium (``make test``).
#
# Uses DATABASE_URL / REDIS_URL when given; otherwise starts throwaway servers on spare ports
# (installing the Debian packages when missing) and stops them afterwards. Never stops or
# flushes a server it did not start. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
T0=$SECONDS
step() { echo "== [+$((SECONDS - T0))s] $*"; }

# ---------------------------------------------------------------- OS packages (only missing ones)
need=()
if [[ -z ${DATABASE_URL:-} ]]; then compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || need+=(postgresql); fi
if [[ -z ${REDIS_URL:-} ]]; then command -v redis-server >/dev/null || need+=(redis-server); fi
command -v redis-server >/dev/null || need+=(redis-server)   # the fault tests start their own Redis
command -v chromium >/dev/null || need+=(chromium)
command -v msgfmt >/dev/null || need+=(gettext)
command -v pdfinfo >/dev/null || need+=(poppler-utils)   # the appraisal PDF test reads the PDF back
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)   # the 公文 (.docx) render to PDF (core.gbdoc)
{ command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; } || need+=(fonts-wqy-microhei)
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then echo "Missing Debian packages: ${need[*]} (run as root or install them)"; exit 1; fi
  step "apt-get install ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# ---------------------------------------------------------------- Python deps
step "virtualenv"
make -s venv-dev
PY=.venv/bin/python

# ---------------------------------------------------------------- throwaway services
RUN=$(mktemp -d -t gongjian-test.XXXXXX)
chmod 755 "$RUN"   # mktemp makes 0700: the postgres user could not enter it
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
STARTED_PG= STARTED_REDIS=
cleanup() {
  set +e
  [[ -n $STARTED_REDIS && -f $RUN/redis.pid ]] && kill "$(cat "$RUN/redis.pid")" 2>/dev/null
  [[ -n $STARTED_PG ]] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$RUN/pg" -m fast -w stop >/dev/null 2>&1
  rm -rf "$RUN"
}
trap cleanup EXIT

if [[ -z ${DATABASE_URL:-} ]]; then
  PGPORT=$(free_port)
  step "start throwaway PostgreSQL on port $PGPORT"
  install -d -o postgres -g postgres "$RUN/pg" "$RUN/pgsock"
  runuser -u postgres -- "$PGBIN/initdb" -D "$RUN/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$RUN/pg" -l "$RUN/pg/server.log" -w -t 60 start \
    -o "-p $PGPORT -k $RUN/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  STARTED_PG=1
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app"
  export DATABASE_URL="postgresql://app:app@127.0.0.1:$PGPORT/app"
fi
if [[ -z ${REDIS_URL:-} ]]; then
  REDIS_PORT=$(free_port)
  step "start throwaway Redis on port $REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$RUN" --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log"
  STARTED_REDIS=1
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
fi
case $DATABASE_URL in postgres*) ;; *) echo "make test needs PostgreSQL; DATABASE_URL=$DATABASE_URL"; exit 1;; esac
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-$REDIS_URL}
export DJANGO_SETTINGS_MODULE=config.settings.test DJANGO_ENV=test
unset DASHBOARD_CACHE_SECONDS   # the benchmark's switch (config/settings/test.py): off in tests
export DJANGO_ALLOW_ASYNC_UNSAFE=true
# Some machines set PYTHONDONTWRITEBYTECODE: then every process (the pytest workers, their
# Celery workers, the make-run, SQLite and loopback subprocesses) compiles the project's modules
# and pytest rewrites every test module again. Written once, they are read after.
unset PYTHONDONTWRITEBYTECODE

# ---------------------------------------------------------------- the test databases' template
# Under pytest-xdist every process's database is a copy of one migrated template
# (tests/template_db.py). Migrating it takes ~20 s of one core, during which the other pytest
# process would wait: it is built now, beside the checks and pytest's collection.
WORKERS=${PYTEST_WORKERS:-2}
TEMPLATE_PID=
if [[ $WORKERS != 0 && " $* " != *" --reuse-db "* ]]; then
  $PY -m tests.template_db "$RUN/template.locked" >"$RUN/template.log" 2>&1 &
  TEMPLATE_PID=$!
fi

# ---------------------------------------------------------------- Django checks
step "django checks"
$PY manage.py check --fail-level WARNING
$PY manage.py makemigrations --check --dry-run >/dev/null || { echo "Model changes without a migration"; $PY manage.py makemigrations --dry-run; exit 1; }
# The arrows of docs/architecture.md (pyproject.toml [tool.importlinter]): an import that bends
# one fails here, before any test runs.
.venv/bin/lint-imports --no-logo --no-cache
# Prove the production static manifest builds (whitenoise) into a throwaway folder. It takes
# about 12 s, most of it compressing every file: it runs beside the tests, and its result is
# read after them.
DJANGO_ENV=production DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(60))') \
  ALLOWED_HOSTS=localhost STATIC_ROOT="$RUN/static" $PY manage.py collectstatic --noinput -v0 >"$RUN/collectstatic.log" 2>&1 &
STATIC_PID=$!

# ---------------------------------------------------------------- tests (unit + worker + Playwright)
# Two processes, the machine's two cores (PYTEST_WORKERS=0 runs in one). Three were tried: on
# fresh clones the same code took 8 min 06 s, 9 min 01 s and 9 min 20 s with three, 8 min 54 s and
# 8 min 47 s with two (docs/performance.md), so the simpler two stay; tried again once nothing
# waited for the template (session 6): 8 min 41 s of pytest with three, 8 min 31 s and 8 min 43 s
# with two. WORKERS is set above, with the template. tests/parallel.py says how the suite is
# shared between the processes.
XDIST=()
[[ $WORKERS != 0 ]] && XDIST=(-n "$WORKERS" --dist loadgroup)
if [[ -n $TEMPLATE_PID ]]; then
  # No pytest process may look for the template before the builder holds its lock (it drops
  # one a killed run left); if the builder failed first, pytest's first process builds it.
  while [[ ! -s $RUN/template.locked ]] && kill -0 "$TEMPLATE_PID" 2>/dev/null; do sleep 0.1; done
  [[ -s $RUN/template.locked ]] && export GONGJIAN_TEMPLATE_PREBUILT=1
fi
step "pytest (${WORKERS} workers)"
set +e
$PY -m pytest "${XDIST[@]}" "$@"
rc=$?
set -e
step "done (pytest rc=$rc)"
if [[ -n $TEMPLATE_PID ]] && ! wait "$TEMPLATE_PID"; then
  echo "Building the test databases' template before pytest failed (pytest built it itself):"; cat "$RUN/template.log"
fi
if ! wait "$STATIC_PID"; then
  echo "collectstatic (the production static manifest) failed:"; cat "$RUN/collectstatic.log"
  [[ $rc -eq 0 ]] && rc=1
fi
if [[ $rc -eq 5 ]]; then echo "pytest collected no tests"; exit 1; fi
exit $rc
