#!/usr/bin/env bash
# Benchmarks at province scale (``make bench``); results go to stdout and var/bench/, and are
# recorded by hand in docs/performance.md.
#
# Uses the PostgreSQL server of DATABASE_URL when given (the benchmark creates and drops its own
# database there, BENCH_DB_NAME, default gongjian_bench); otherwise starts a throwaway server on
# a spare port and stops it afterwards. Never touches another database.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
PY=.venv/bin/python
[[ -x $PY ]] || make -s venv-dev

RUN=$(mktemp -d -t gongjian-bench.XXXXXX)
chmod 755 "$RUN"
STARTED_PG=
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
cleanup() {
  set +e
  [[ -n $STARTED_PG ]] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$RUN/pg" -m fast -w stop >/dev/null 2>&1
  rm -rf "$RUN"
}
trap cleanup EXIT

if [[ -z ${DATABASE_URL:-} ]]; then
  if [[ -z $PGBIN ]]; then
    [[ $(id -u) -eq 0 ]] || { echo "PostgreSQL is not installed (apt-get install postgresql)"; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  PGPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  echo "== throwaway PostgreSQL on port $PGPORT"
  install -d -o postgres -g postgres "$RUN/pg" "$RUN/pgsock"
  runuser -u postgres -- "$PGBIN/initdb" -D "$RUN/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$RUN/pg" -l "$RUN/pg/server.log" -w -t 60 start \
    -o "-p $PGPORT -k $RUN/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
  STARTED_PG=1
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
fi
case $DATABASE_URL in postgres*) ;; *) echo "make bench needs PostgreSQL; DATABASE_URL=$DATABASE_URL"; exit 1;; esac

# BENCH_ONLY=reminders|pickers|pages|submissions runs one step alone.
ONLY=${BENCH_ONLY:-}
want() { [[ -z $ONLY || $ONLY == "$1" ]]; }

if want reminders; then
  echo "== reminder sweep at two sizes (BENCH_SCALES=${BENCH_SCALES:-0.1,1})"
  $PY tests/bench/bench_reminders.py
fi

if want pickers; then
  echo "== typeahead pickers at ${BENCH_PICKER_PEOPLE:-200000} people"
  $PY tests/bench/bench_pickers.py
fi

if want pages; then
  echo "== pages at BENCH_PAGES_SCALE=${BENCH_PAGES_SCALE:-1} (p50/p95 over ${BENCH_REQUESTS:-30} requests, queries, gunicorn throughput)"
  # In a whole run the submissions step measures the same province: the pages step keeps it.
  KEEP=${BENCH_KEEP_DB:-}
  [[ -z $ONLY ]] && KEEP=1
  BENCH_KEEP_DB=$KEEP BENCH_PAGES_SCALE=${BENCH_PAGES_SCALE:-1} $PY tests/bench/bench_pages.py
fi

if want submissions; then
  echo "== weekly-report submissions open-loop at ${BENCH_SUBMIT_RATE:-20}/s for ${BENCH_SUBMIT_SECONDS:-30} s (gunicorn)"
  REUSE=${BENCH_REUSE_DB:-}
  [[ -z $ONLY ]] && REUSE=1
  BENCH_REUSE_DB=$REUSE BENCH_PAGES_SCALE=${BENCH_PAGES_SCALE:-1} $PY tests/bench/bench_submissions.py
fi
