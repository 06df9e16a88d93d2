"""Benchmark of the pages at province scale (``make bench`` → .ci/bench.sh; issue 14).

Not a test module (pytest does not collect it). It creates its own database on the PostgreSQL
server of DATABASE_URL (``BENCH_DB_NAME``, dropped and created again; see bench_reminders),
bulk-loads a province of ``BENCH_PAGES_SCALE`` (1 = 13 cities, 10,000 branches, 50,000 projects,
about 1,000,000 weekly reports, 100,000 problems) and reports, for each page and each of
province staff, city staff, a 调度长 and a secretary:

- p50/p95 of ``BENCH_REQUESTS`` (30) requests through Django's test client (in process, no
  network; the session write of the first request is not in the figures),
- the SQL queries of one request,
- throughput under gunicorn (``BENCH_GUNICORN_SECONDS`` per page, 4 client threads) beside an
  authenticated empty page (the password-changed page) in the same run.

``python tests/bench/bench_pages.py explain`` prints, instead, PostgreSQL's plans of a city
user's list and dashboard queries (checking that they read through the path index).
"""

import datetime
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from bench_reminders import database_urls, recreate_database, setup_django  # noqa: E402

FULL = {"branches": 10_000, "projects": 50_000, "chiefs": 2_000, "committees": 130, "problems": 100_000}
CITIES = 13
WEEKS = int(os.environ.get("BENCH_WEEKS", "100"))  # weekly reports per branch: 1,000,000 at scale 1
PASSWORD = "Bench@2026"


def _grant(users_and_objects, model, codename):
    """Object grants in bulk (the rows ``projects.services`` writes when it appoints)."""
    from django.contrib.auth.models import Permission

    perm = Permission.objects.get(codename=codename)
    model.objects.bulk_create(
        (model(user_id=u, content_object_id=o, permission=perm) for u, o in users_and_objects), batch_size=10_000,
        ignore_conflicts=True,
    )


def load_province(scale: float) -> dict:  # noqa: PLR0915 (one linear script)
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection

    from branches.models import (
        Branch,
        BranchStatus,
        BranchUserObjectPermission,
        Membership,
        MembershipRole,
        Organization,
        Person,
        User,
        WorkField,
    )
    from branches.roles import Role
    from mechanisms.models import ProblemCase, WeeklyReport
    from projects.models import Project, ProjectUserObjectPermission

    rnd = random.Random(20261118)
    n = {k: max(1, int(v * scale)) for k, v in FULL.items()}
    n["committees"] = max(CITIES, n["committees"])
    today = datetime.date(2026, 11, 18)
    province = Organization.objects.create(name="江苏省", kind="province")
    cities = [Organization.objects.create(name=f"城市{i}", kind="city", parent=province) for i in range(CITIES)]
    committees = [
        Organization.objects.create(name=f"党委{i}", kind="party_committee", parent=cities[i % CITIES])
        for i in range(n["committees"])
    ]
    field = WorkField.objects.get_or_create(name="动迁", defaults={"front": "major_project"})[0]
    groups = {r: Group.objects.get_or_create(name=r)[0] for r in Role}
    pw = make_password(PASSWORD)
    staff_province = User.objects.create(username="bench_province", full_name="省级", organization=province, password=pw)
    staff_city = User.objects.create(username="bench_city", full_name="市级", organization=cities[0], password=pw)
    groups[Role.DEPARTMENT_STAFF].user_set.add(staff_province, staff_city)
    chiefs = User.objects.bulk_create(
        User(username=f"chief{i}", full_name=f"调度长{i}", organization=committees[i % len(committees)], password=pw)
        for i in range(n["chiefs"])
    )
    groups[Role.DISPATCH_CHIEF].user_set.add(*chiefs)
    secretaries = User.objects.bulk_create(
        (User(username=f"sec{i}", full_name=f"书记{i}", organization=committees[i % len(committees)], password=pw)
         for i in range(n["branches"])),
        batch_size=5000,
    )
    groups[Role.SECRETARY].user_set.add(*secretaries)
    people = Person.objects.bulk_create(
        (Person(name=u.full_name, gender="male", work_unit=u.organization, user=u) for u in secretaries), batch_size=5000
    )
    branches = Branch.objects.bulk_create(
        (
            Branch(name=f"攻坚支部{i}", front="major_project", field=field, scope="cross_domain",
                   supervising_committee=committees[i % len(committees)], lead_unit=committees[i % len(committees)],
                   goal="28天完成225户征迁", status=BranchStatus.ACTIVE, batch=i % 3 + 1,
                   light=rnd.choice(["green", "green", "yellow", "red"]))
            for i in range(n["branches"])
        ),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (Membership(person=p, branch=b, role=MembershipRole.SECRETARY, joined_on=today - datetime.timedelta(days=400))
         for p, b in zip(people, branches, strict=True)),
        batch_size=5000,
    )
    _grant(((u.pk, b.pk) for u, b in zip(secretaries, branches, strict=True)), BranchUserObjectPermission, "view_branch")
    _grant(((u.pk, b.pk) for u, b in zip(secretaries, branches, strict=True)), BranchUserObjectPermission, "change_branch")
    projects = Project.objects.bulk_create(
        (
            Project(
                branch=branches[i % len(branches)], name=f"攻坚项目{i}", front="major_project", field=field, goal="…",
                start_on=today - datetime.timedelta(days=300), deadline=today + datetime.timedelta(days=rnd.randint(30, 300)),
                lead_unit=branches[i % len(branches)].lead_unit, dispatch_chief=chiefs[i % len(chiefs)],
                status="in_progress", next_dispatch_on=today + datetime.timedelta(days=rnd.randint(-5, 10)),
                light="red" if rnd.random() < 0.05 else rnd.choice(["green", "green", "yellow"]),
            )
            for i in range(n["projects"])
        ),
        batch_size=5000,
    )
    _grant(((p.dispatch_chief_id, p.pk) for p in projects), ProjectUserObjectPermission, "view_project")
    _grant(((p.dispatch_chief_id, p.branch_id) for p in projects), BranchUserObjectPermission, "view_branch")
    # Weekly reports: WEEKS weeks back from last week, nine in ten filed.
    last_monday = today - datetime.timedelta(days=today.weekday() + 7)
    tz = datetime.timezone(datetime.timedelta(hours=8))
    reports = 0
    for w in range(WEEKS):
        monday = last_monday - datetime.timedelta(weeks=w)
        year, week, _ = monday.isocalendar()
        deadline = datetime.datetime.combine(monday + datetime.timedelta(days=4), datetime.time(17, 0), tzinfo=tz)
        rows = [
            WeeklyReport(branch=b, iso_year=year, iso_week=week, week_start=monday, deadline=deadline, status="submitted",
                         submitted_at=deadline - datetime.timedelta(hours=rnd.randint(-3, 40)), work_done="…",
                         is_late=rnd.random() < 0.1)
            for i, b in enumerate(branches) if (i + w) % 10
        ]
        WeeklyReport.objects.bulk_create(rows, batch_size=5000)
        reports += len(rows)
    statuses = ["reported", "analysed", "accepted", "resolved", "closed", "closed", "closed"]
    ProblemCase.objects.bulk_create(
        (
            ProblemCase(
                branch_id=p.branch_id, project=p, title=f"问题{i}", description="…", category="difficulty",
                severity="ordinary", status=statuses[i % len(statuses)],
                responsible_unit=p.lead_unit if i % len(statuses) else None,
                deadline=today + datetime.timedelta(days=rnd.randint(-20, 40)) if i % len(statuses) else None,
            )
            for i, p in ((i, projects[i % len(projects)]) for i in range(n["problems"]))
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "counts": {**n, "weekly_reports": reports, "cities": CITIES},
        "users": {
            "province staff": staff_province.pk,
            "city staff": staff_city.pk,
            "调度长": chiefs[0].pk,
            "secretary": secretaries[0].pk,
        },
        "branch": branches[0].pk,
    }


PAGES = [
    ("dashboard", "evaluation:dashboard", False),
    ("project list", "projects:project_list", False),
    ("problem list", "mechanisms:problem_list", False),
    ("weekly report list", "mechanisms:weeklyreport_list", False),
    ("branch list", "branches:branch_list", False),
    ("branch detail", "branches:branch_detail", True),
    ("cockpit", "mechanisms:cockpit", False),
    ("secretary home", "mechanisms:secretary_home", False),
]
EMPTY = ("authenticated empty page", "password_change_done", False)


def _url(name, needs_branch, branch):
    from django.urls import reverse

    return reverse(name, args=[branch]) if needs_branch else reverse(name)


def measure_pages(users: dict, branch: int, requests: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from branches.models import User

    setup_test_environment()  # the test client's host ("testserver") allowed
    rows = []
    for role, pk in users.items():
        client = Client()
        client.force_login(User.objects.get(pk=pk))
        for label, name, needs_branch in PAGES:
            url = _url(name, needs_branch, branch)
            started = time.perf_counter()
            first = client.get(url)  # warms caches (the dashboard's figures) and writes the session
            first_ms = round((time.perf_counter() - started) * 1000, 1)
            if first.status_code != 200:
                rows.append({"role": role, "page": label, "status": first.status_code})
                continue
            statements = []

            def count(execute, sql, params, many, context, statements=statements):
                statements.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                client.get(url)
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            rows.append({
                "role": role, "page": label, "status": 200, "queries": len(statements),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)], 1),
                "bytes": len(first.content), "first_ms": first_ms,
            })
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(user_pk: int) -> str:
    """The Cookie header of a session of ``user_pk`` written directly (no login request)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from branches.models import User

    user = User.objects.get(pk=user_pk)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def throughput(users: dict, branch: int, seconds: float) -> list[dict]:
    """Requests a second under gunicorn (2 workers × 2 threads, 4 client threads, loopback only)."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DJANGO_ENV": "test"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.3)
        rows = []
        for role, pk in users.items():
            cookie = session_cookie(pk)
            for label, name, needs_branch in [EMPTY, *PAGES]:
                url = f"http://127.0.0.1:{port}{_url(name, needs_branch, branch)}"
                done, errors = [0], [0]
                stop = time.monotonic() + seconds

                def hammer(url=url, done=done, errors=errors, stop=stop, cookie=cookie):
                    while time.monotonic() < stop:
                        request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
                        try:
                            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                                response.read()
                            done[0] += 1
                        except OSError:
                            errors[0] += 1

                threads = [threading.Thread(target=hammer) for _ in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                rows.append({"role": role, "page": label, "rps": round(done[0] / seconds, 1), "errors": errors[0]})
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)


def explain(users: dict) -> None:
    """Plans of a city user's list and dashboard queries (EXPLAIN ANALYZE)."""
    from django.db import connection

    from branches.models import User
    from evaluation.dashboard import make_scope, scope_branches, scope_projects
    from mechanisms.problems.selectors import visible_problems
    from mechanisms.weekly.selectors import weekly_report_list
    from projects.selectors import project_list

    user = User.objects.get(pk=users["city staff"])
    scope = make_scope(user)
    queries = {
        "project list (first page)": project_list(user=user)[:25],
        "problem list (first page)": visible_problems(user).order_by("-created_at", "-id")[:25],
        "weekly report list (first page)": weekly_report_list(user=user)[:25],
        "dashboard: branches in scope (count)": scope_branches(scope).values("light").order_by(),
        "dashboard: projects in scope": scope_projects(scope).values("light").order_by(),
    }
    for label, qs in queries.items():
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n### {label}\n\n```\n{plan}\n```")


def province(scale: float) -> dict:
    """The province of ``scale``: bulk-loaded into a new bench database, or, with
    ``BENCH_REUSE_DB=1``, the one an earlier run kept (``BENCH_KEEP_DB=1``). Loading takes
    minutes and is not what is measured, so it may run while the machine is busy and the
    measurement later, on an idle machine; what was loaded (users, branch, counts) is saved to
    var/bench/province-<scale>.json for that."""
    saved = ROOT / "var" / "bench" / f"province-{scale:g}.json"
    reuse = os.environ.get("BENCH_REUSE_DB") == "1" and saved.exists()
    bench = database_urls()[1] if reuse else recreate_database()
    setup_django(bench)
    os.environ["DATABASE_URL"] = bench
    if reuse:
        loaded = json.loads(saved.read_text())
        loaded["users"] = {role: int(pk) for role, pk in loaded["users"].items()}
        print(f"reusing the province of scale {scale} in {database_urls()[2]}: {loaded['counts']}")
        return loaded
    started = time.perf_counter()
    loaded = load_province(scale)
    print(f"loaded scale {scale} in {time.perf_counter() - started:.0f} s: {loaded['counts']}")
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(loaded, ensure_ascii=False, default=str))
    return loaded


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "bench"
    # As deployed: the dashboard's figures cached (in each process's memory here: no Redis).
    os.environ.setdefault("DASHBOARD_CACHE_SECONDS", "120")
    scale = float(os.environ.get("BENCH_PAGES_SCALE", "0.1"))
    loaded = province(scale)
    try:
        if mode == "explain":
            explain(loaded["users"])
            return
        rows = measure_pages(loaded["users"], loaded["branch"], int(os.environ.get("BENCH_REQUESTS", "30")))
        rps = throughput(loaded["users"], loaded["branch"], float(os.environ.get("BENCH_GUNICORN_SECONDS", "3")))
        out = ROOT / "var" / "bench"
        out.mkdir(parents=True, exist_ok=True)
        (out / "pages.json").write_text(json.dumps({"load": loaded, "pages": rows, "throughput": rps}, ensure_ascii=False, indent=2))
        by_key = {(r["role"], r["page"]): r for r in rps}
        print(f"\nscale {scale}: {loaded['counts']}, load average {os.getloadavg()[0]:.1f}\n")
        print("| role | page | first request (ms) | p50 (ms) | p95 (ms) | queries | KB | requests/s (gunicorn) | of the empty page's |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            if row["status"] != 200:
                what = "not this role's page (404)" if row["status"] == 404 else f"HTTP {row['status']}"
                print(f"| {row['role']} | {row['page']} | {what} | | | | | | |")
                continue
            empty = by_key.get((row["role"], EMPTY[0]), {}).get("rps") or 0
            tp = by_key.get((row["role"], row["page"]), {}).get("rps", 0)
            share = f"{100 * tp / empty:.0f} %" if empty else "—"
            print(f"| {row['role']} | {row['page']} | {row['first_ms']} | {row['p50_ms']} | {row['p95_ms']} | {row['queries']} | "
                  f"{row['bytes'] // 1024} | {tp} | {share} |")
        for role in loaded["users"]:
            print(f"\n{role}: authenticated empty page {by_key.get((role, EMPTY[0]), {}).get('rps')} requests/s")
    finally:
        if os.environ.get("BENCH_KEEP_DB") != "1":
            from django.db import connections

            connections.close_all()
            import psycopg

            admin, _bench, name = database_urls()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
