"""Weekly-report submissions open-loop through gunicorn (``make bench`` → .ci/bench.sh; issue 14).

Not a test module (pytest does not collect it); nothing here asserts a time. The issue's target:
20 submissions a second, open-loop, p95 under 300 ms and no errors.

It loads a province as ``bench_pages`` does (``BENCH_PAGES_SCALE``; on the database
``BENCH_DB_NAME`` of the server of DATABASE_URL, recreated), or measures one kept by an earlier
run (``BENCH_REUSE_DB=1`` with var/bench/province-<scale>.json, written by every run that loads).
Then:

1. picks ``BENCH_SUBMIT_RATE`` × ``BENCH_SUBMIT_SECONDS`` (branch, week) pairs that have no report
   yet — distinct branches for this ISO week first, then last week's (the only two weeks the form
   files) — and gives each of those branches' open projects two indicators (about ten a branch:
   five projects each), so that every submission records about ten values;
2. starts gunicorn (2 workers × 2 threads, the settings bench_pages uses) and logs each branch's
   secretary in (a session created directly, as bench_pages' ``throughput`` does);
3. opens each report's form (GET, before the clock starts) and takes from the page what the browser
   would post: the CSRF token and cookie, the hidden fields, the checklist and the indicator boxes;
4. fires the POSTs open-loop: request *i* is due at ``start + i / rate`` and is sent then whether
   or not the earlier ones have answered (a pool of ``BENCH_SUBMIT_THREADS`` client threads,
   default enough for 10 s of backlog); its latency runs from that due time to the end of the
   answer, so time spent queued (in the client pool, the listen backlog or gunicorn) counts;
5. checks in the database that each submission filed its report and recorded its values.

A submission counts as done when the answer is the redirect to the filed report's page; any other
answer (an HTTP error, an exception, or a 2xx/3xx that did not file the report, e.g. the form shown
again with an error) is an error, and the first few are summarised. Results: a Markdown table on
stdout and var/bench/submissions.json; gunicorn's own log in var/bench/submissions-gunicorn.log.

    BENCH_PAGES_SCALE=0.02 BENCH_WEEKS=20 BENCH_SUBMIT_RATE=5 BENCH_SUBMIT_SECONDS=10 \\
      DATABASE_URL=postgresql://…/postgres BENCH_DB_NAME=… .venv/bin/python tests/bench/bench_submissions.py
"""

import decimal
import html
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from bench_pages import _free_port, province, session_cookie  # noqa: E402
from bench_reminders import database_urls  # noqa: E402

INDICATORS = (("入户评估", "户", 225), ("签约", "户", 225))  # per open project of a chosen branch


def pick_targets(count: int) -> list[dict]:
    """``count`` (secretary, branch, week) with no report yet: this week's first, then last week's."""
    from django.db.models import Exists, OuterRef

    from branches.models import BRANCH_ACTIVE_STATUSES, Membership, MembershipRole
    from mechanisms.models import WeeklyReport
    from mechanisms.weekly.rules import current_week

    this_week = current_week()
    targets = []
    for week in (this_week, this_week.previous()):
        filed = WeeklyReport.objects.filter(branch=OuterRef("branch_id"), iso_year=week.iso_year, iso_week=week.iso_week)
        rows = (
            Membership.objects.filter(
                role=MembershipRole.SECRETARY, left_on__isnull=True, person__user__isnull=False,
                branch__status__in=BRANCH_ACTIVE_STATUSES,
            )
            .exclude(Exists(filed))
            .order_by("branch_id")
            .values_list("person__user_id", "branch_id")[: count - len(targets)]
        )
        targets += [{"user": user, "branch": branch, "week": week.code} for user, branch in rows]
        if len(targets) >= count:
            break
    return targets


def give_indicators(branch_ids: set[int]) -> int:
    """Two indicators on each open project of these branches (kept if there already)."""
    from projects.models import CLOSED_STATUSES, Indicator, Project

    projects = Project.objects.filter(branch_id__in=branch_ids).exclude(status__in=CLOSED_STATUSES).values_list("pk", flat=True)
    Indicator.objects.bulk_create(
        (Indicator(project_id=p, name=name, unit=unit, target=target) for p in projects for name, unit, target in INDICATORS),
        batch_size=5000, ignore_conflicts=True,
    )
    return Indicator.objects.filter(project__branch_id__in=branch_ids).count()


class FormFields(HTMLParser):
    """The fields a browser posts from the page's weekly form (``data-testid="weekly-form"``)."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = []  # (name, value, type)
        self._in_form = False
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("data-testid") == "weekly-form":
            self._in_form, self.action = True, html.unescape(a.get("action") or "")
        elif not self._in_form:
            return
        elif tag == "input" and a.get("name"):
            self.fields.append((a["name"], a.get("value") or "", a.get("type") or "text", "checked" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].lstrip("\n"), "textarea", False))
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False


def _request(port, method, path, *, headers, body=None, timeout=60.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        cookies = response.msg.get_all("Set-Cookie") or []
        return response.status, response.getheader("Location") or "", cookies, response.read()
    finally:
        conn.close()


def prepare_post(port: int, target: dict, n: int) -> dict:
    """GET the report's form as the secretary and build the POST the page would send."""
    from django.conf import settings
    from django.urls import reverse

    path = reverse("mechanisms:weeklyreport_create", args=[target["branch"]]) + f"?week={target['week']}"
    status, _location, cookies, body = _request(port, "GET", path, headers={"Cookie": target["cookie"]})
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    csrf = next(
        (c.split(";")[0] for c in cookies if c.startswith(settings.CSRF_COOKIE_NAME + "=")), None
    )
    if csrf is None:
        raise RuntimeError(f"GET {path} set no CSRF cookie")
    form = FormFields()
    form.feed(body.decode())
    data = []
    values = 0
    for name, value, kind, checked in form.fields:
        if kind in ("submit", "button"):
            continue
        if kind == "checkbox":
            if name.startswith("done_"):
                data.append((name, "on"))  # the secretary ticks last week's plan
            elif checked:
                data.append((name, value or "on"))
            continue
        if name.startswith("indicator_"):
            # Every box moves: the report records a value on each indicator (about ten).
            value = str((decimal.Decimal(value or "0") + 1 + n % 7).quantize(decimal.Decimal("0.01")))
            values += 1
        elif name == "work_done":
            value = f"完成入户评估{n % 40}户，签约{n % 18}户，召开动迁户座谈会一次。"
        elif name == "problems_met":
            value = "3户对补偿标准有异议"
        elif name == "next_week_plan":
            value = "1. 推进签约\n2. 协调资金拨付"
        elif name == "support_needed":
            value = "请交通局协调施工便道。"
        data.append((name, value))
    data.append(("action", "submit"))
    return {
        "path": form.action or path,
        "body": urllib.parse.urlencode(data).encode(),
        "headers": {"Cookie": f"{target['cookie']}; {csrf}", "Content-Type": "application/x-www-form-urlencoded"},
        "values": values,
    }


_DETAIL = re.compile(r"/weekly/\d+/$")


def _summary(body: bytes) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", body.decode(errors="replace"), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    errors = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</', body.decode(errors="replace"), re.S)
    text = " ".join(html.unescape(text).split())
    if errors:
        return "form errors: " + " / ".join(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", e)).split()) for e in errors)[:300]
    return text[:300]


def fire(port: int, posts: list[dict], rate: float, threads: int) -> dict:
    """The POSTs open-loop at ``rate`` a second; latency from each one's due time."""
    results = [None] * len(posts)

    def send(i, due):
        began = time.perf_counter()
        post = posts[i]
        try:
            status, location, _cookies, body = _request(port, "POST", post["path"], headers=post["headers"], body=post["body"])
        except Exception as exc:  # noqa: BLE001 (every failure is a result)
            results[i] = {"ok": False, "status": None, "error": f"{type(exc).__name__}: {exc}",
                          "latency": time.perf_counter() - due, "lag": began - due, "done": time.perf_counter()}
            return
        finished = time.perf_counter()
        ok = status in (302, 303) and bool(_DETAIL.search(urllib.parse.urlsplit(location).path))
        results[i] = {
            "ok": ok, "status": status, "latency": finished - due, "lag": began - due, "done": finished,
            "error": None if ok else (f"HTTP {status} → {location}" if location else f"HTTP {status}: {_summary(body)}"),
        }

    with ThreadPoolExecutor(max_workers=threads) as pool:
        start = time.perf_counter() + 0.5
        for i in range(len(posts)):
            due = start + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(send, i, due)
        sent_by = time.perf_counter()
    return {"start": start, "sent_by": sent_by, "results": results}


def _p(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, max(0, int(round(q * len(sorted_values))) - 1))]


def check_filed(targets: list[dict]) -> dict:
    """What the database holds for the chosen (branch, week): reports submitted, values recorded."""
    from django.db.models import Q

    from mechanisms.models import WeeklyReport
    from mechanisms.weekly.models import WeeklyReportReading
    from mechanisms.weekly.rules import parse_week

    wanted = Q(pk__in=[])
    for t in targets:
        week = parse_week(t["week"])
        wanted |= Q(branch_id=t["branch"], iso_year=week.iso_year, iso_week=week.iso_week)
    reports = WeeklyReport.objects.filter(wanted)
    return {
        "submitted": reports.filter(status="submitted").count(),
        "other": reports.exclude(status="submitted").count(),
        "values_recorded": WeeklyReportReading.objects.filter(report__in=reports, indicator_reading__isnull=False).count(),
    }


def main():  # noqa: PLR0915 (one linear script)
    scale = float(os.environ.get("BENCH_PAGES_SCALE", "0.1"))
    rate = float(os.environ.get("BENCH_SUBMIT_RATE", "20"))
    seconds = float(os.environ.get("BENCH_SUBMIT_SECONDS", "30"))
    count = max(1, int(rate * seconds))
    threads = int(os.environ.get("BENCH_SUBMIT_THREADS", str(max(16, int(rate * 10)))))
    loaded = province(scale)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        targets = pick_targets(count)
        if len(targets) < count:
            sys.exit(f"only {len(targets)} (branch, week) pairs left without a report; {count} wanted: "
                     "lower BENCH_SUBMIT_RATE × BENCH_SUBMIT_SECONDS or load the province again")
        indicators = give_indicators({t["branch"] for t in targets})
        for t in targets:
            t["cookie"] = session_cookie(t["user"])
        from django.db import connections

        connections.close_all()  # the server's workers should not wait on this process's connection

        port = _free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DJANGO_ENV": "test"}
        log = (out / "submissions-gunicorn.log").open("w")
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "2", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                _request(port, "GET", "/healthz", headers={}, timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            posts = list(pool.map(lambda args: prepare_post(port, *args), ((t, n) for n, t in enumerate(targets))))
        print(f"{count} forms opened in {time.perf_counter() - began:.1f} s "
              f"({sum(p['values'] for p in posts)} indicator boxes, {indicators} indicators on the chosen branches)")

        load_before = os.getloadavg()[0]
        run = fire(port, posts, rate, threads)
        load_after = os.getloadavg()[0]
        results = run["results"]
        done = [r for r in results if r is not None]
        ok = [r for r in done if r["ok"]]
        failed = [r for r in done if not r["ok"]]
        latencies = sorted(r["latency"] * 1000 for r in done)
        last = max((r["done"] for r in done), default=run["start"])
        filed = check_filed(targets)
        summary = {
            "scale": scale, "counts": loaded["counts"], "rate_wanted": rate, "seconds": seconds, "client_threads": threads,
            "sent": len(posts), "completed": len(ok), "errors": len(failed) + (len(posts) - len(done)),
            "http_errors": sum(1 for r in failed if r["status"] is not None and r["status"] >= 400),
            "exceptions": sum(1 for r in failed if r["status"] is None),
            "refused": sum(1 for r in failed if r["status"] is not None and r["status"] < 400),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(_p(latencies, 0.95), 1) if latencies else None,
            "max_ms": round(latencies[-1], 1) if latencies else None,
            "send_rate": round(len(posts) / max(run["sent_by"] - run["start"], 1e-9) if len(posts) > 1 else 0, 2),
            "completion_rate": round(len(ok) / max(last - run["start"], 1e-9), 2),
            "max_send_lag_ms": round(max((r["lag"] for r in done), default=0) * 1000, 1),
            "values_posted": sum(p["values"] for p in posts),
            "database": filed,
            # A retried POST of the same text is redirected to the report too: the database says
            # whether each answer filed its own report and its values.
            "database_agrees": filed["submitted"] == len(ok) and filed["values_recorded"] == sum(
                p["values"] for p, r in zip(posts, results, strict=True) if r is not None and r["ok"]
            ),
            "first_errors": [r["error"] for r in failed[:5]],
            "load_average": [round(load_before, 2), round(load_after, 2)],
        }
        (out / "submissions.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
        print(f"\nscale {scale}: {loaded['counts']}; load average {load_before:.1f} before, {load_after:.1f} after\n")
        print("| rate wanted (/s) | seconds | sent | completed | errors | p50 (ms) | p95 (ms) | max (ms) | achieved (/s) | values a report |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        print(f"| {rate:g} | {seconds:g} | {summary['sent']} | {summary['completed']} | {summary['errors']} | {summary['p50_ms']} | "
              f"{summary['p95_ms']} | {summary['max_ms']} | {summary['completion_rate']} | "
              f"{summary['values_posted'] / max(1, len(posts)):.1f} |")
        print(f"\nsent at {summary['send_rate']}/s (latest send {summary['max_send_lag_ms']} ms after its due time); "
              f"in the database: {filed['submitted']} reports submitted, {filed['values_recorded']} values recorded")
        if not summary["database_agrees"]:
            print(f"THE DATABASE DISAGREES: {len(ok)} answers said filed, the database holds {filed}")
        if failed:
            print(f"errors: {summary['http_errors']} HTTP ≥ 400, {summary['exceptions']} exceptions, "
                  f"{summary['refused']} answers that filed nothing; the first:")
            for error in summary["first_errors"]:
                print(f"  - {error}")
            print(f"gunicorn's log: {out / 'submissions-gunicorn.log'}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if os.environ.get("BENCH_KEEP_DB") != "1":
            from django.db import connections

            connections.close_all()
            import psycopg

            admin, _bench, name = database_urls()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            (ROOT / "var" / "bench" / f"province-{scale:g}.json").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
