"""Benchmark of the reminder sweep at province scale (``make bench`` → .ci/bench.sh).

Not a test module (pytest does not collect it): it creates its own database on the PostgreSQL
server of DATABASE_URL (``BENCH_DB_NAME``, default ``gongjian_bench``, dropped and created
again), loads a province — 50,000 projects, 200,000 instructions, 10,000 branches with their
secretaries and this week's weekly-report state — and times the sweep at two sizes:

- "Friday 09:00": the first sweep of a deadline day (every daily rule fires at once);
- "5 minutes later": the steady state (everything is already recorded: nothing new);
- "Monday 08:30": the weekly digest to every 调度长.

For each: wall time, SQL queries issued (CaptureQueriesContext) and the peak of Python memory
(tracemalloc, in a second run of the same sweep on the same data: tracing slows Python down, so
the timed run is untraced). Writes a Markdown table to stdout and JSON to var/bench/.
"""

import datetime
import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

FULL = {"branches": 10_000, "projects": 50_000, "instructions": 200_000, "chiefs": 2_000, "committees": 100}


def database_urls() -> tuple[str, str, str]:
    """(admin URL, bench URL, bench database name) on the server of DATABASE_URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench needs PostgreSQL: set DATABASE_URL (or run it through `make bench`)")
    name = os.environ.get("BENCH_DB_NAME", "gongjian_bench")
    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    bench = urlunparse(parsed._replace(path=f"/{name}"))
    return admin, bench, name


def recreate_database():
    import psycopg

    admin, bench, name = database_urls()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return bench


def drop_database():
    """Close Django's connections and drop the bench database (kept with ``BENCH_KEEP_DB=1``)."""
    import psycopg
    from django.db import connections

    connections.close_all()
    if os.environ.get("BENCH_KEEP_DB") != "1":
        admin, _bench, name = database_urls()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def setup_django(bench_url: str):
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DJANGO_ENV"] = "test"
    # Deliveries are queued, not sent: an in-memory broker costs what a healthy Redis would.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def load(scale: float, *, friday: datetime.date):
    """Bulk-load a province (``scale`` 1.0) or a part of it; returns the counts."""
    from django.contrib.auth.models import Group

    from branches.models import (
        Branch,
        BranchStatus,
        Membership,
        MembershipRole,
        Organization,
        Person,
        User,
        WorkField,
    )
    from branches.roles import Role
    from mechanisms.models import Instruction, WeeklyReport
    from projects.models import Project

    rnd = random.Random(20261120)
    n = {k: max(1, int(v * scale)) for k, v in FULL.items()}
    province = Organization.objects.create(name="江苏省", kind="province")
    city = Organization.objects.create(name="靖江市", kind="city", parent=province)
    committees = [
        Organization.objects.create(name=f"党委{i}", kind="party_committee", parent=city) for i in range(n["committees"])
    ]
    field = WorkField.objects.get_or_create(name="动迁", defaults={"front": "major_project"})[0]
    liaison_group = Group.objects.get_or_create(name=Role.UNIT_LIAISON)[0]
    chief_group = Group.objects.get_or_create(name=Role.DISPATCH_CHIEF)[0]
    chiefs = User.objects.bulk_create(
        User(username=f"chief{i}", full_name=f"调度长{i}", email=f"chief{i}@bench.example", organization=committees[i % len(committees)],
             password="!")
        for i in range(n["chiefs"])
    )
    chief_group.user_set.add(*chiefs)
    liaisons = User.objects.bulk_create(
        User(username=f"liaison{i}", full_name=f"联络员{i}", organization=c, password="!") for i, c in enumerate(committees)
    )
    liaison_group.user_set.add(*liaisons)
    secretaries = User.objects.bulk_create(
        User(username=f"sec{i}", full_name=f"书记{i}", email=f"sec{i}@bench.example", organization=committees[i % len(committees)],
             password="!")
        for i in range(n["branches"])
    )
    people = Person.objects.bulk_create(
        Person(name=u.full_name, gender="male", work_unit=u.organization, user=u) for u in secretaries
    )
    branches = Branch.objects.bulk_create(
        (
            Branch(name=f"攻坚支部{i}", front="major_project", field=field, scope="cross_domain",
                   supervising_committee=committees[i % len(committees)], lead_unit=committees[i % len(committees)],
                   goal="28天完成225户征迁", status=BranchStatus.ACTIVE)
            for i in range(n["branches"])
        ),
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        (Membership(person=p, branch=b, role=MembershipRole.SECRETARY, joined_on=friday - datetime.timedelta(days=90))
         for p, b in zip(people, branches, strict=True)),
        batch_size=5000,
    )
    projects = Project.objects.bulk_create(
        (
            Project(
                branch=branches[i % len(branches)], name=f"攻坚项目{i}", front="major_project", field=field, goal="…",
                start_on=friday - datetime.timedelta(days=120), deadline=friday + datetime.timedelta(days=rnd.randint(30, 300)),
                lead_unit=branches[i % len(branches)].lead_unit, dispatch_chief=chiefs[i % len(chiefs)],
                status="in_progress",
                # Sessions due around today: about a third overdue, a few due today or tomorrow.
                next_dispatch_on=friday + datetime.timedelta(days=rnd.randint(-5, 10)),
                light="red" if rnd.random() < 0.05 else rnd.choice(["green", "green", "yellow"]),
            )
            for i in range(n["projects"])
        ),
        batch_size=5000,
    )
    Project.objects.filter(light="red").update(red_since=friday - datetime.timedelta(days=1))
    statuses = ["verified"] * 14 + ["done"] * 2 + ["issued", "acknowledged", "returned", "issued"]
    Instruction.objects.bulk_create(
        (
            Instruction(
                project=p, branch_id=p.branch_id, title=f"督办事项{i}",
                assignee_user=secretaries[i % len(secretaries)] if i % 2 else None,
                assignee_unit=None if i % 2 else committees[i % len(committees)],
                issued_on=friday - datetime.timedelta(days=40), deadline=friday + datetime.timedelta(days=rnd.randint(-10, 30)),
                status=statuses[i % len(statuses)],
            )
            for i, p in ((i, projects[i % len(projects)]) for i in range(n["instructions"]))
        ),
        batch_size=5000,
    )
    # This week's weekly-report state: seven branches in ten have filed.
    year, week, _ = friday.isocalendar()
    monday = friday - datetime.timedelta(days=friday.weekday())
    deadline = datetime.datetime.combine(friday, datetime.time(17, 0), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    WeeklyReport.objects.bulk_create(
        (
            WeeklyReport(branch=b, iso_year=year, iso_week=week, week_start=monday, deadline=deadline, status="submitted",
                         submitted_at=deadline - datetime.timedelta(days=1), work_done="…")
            for i, b in enumerate(branches) if i % 10 < 7
        ),
        batch_size=5000,
    )
    return n


def clear_reminders():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE mechanisms_reminderdelivery, mechanisms_historicalreminderdelivery, mechanisms_reminder, "
            "mechanisms_notification RESTART IDENTITY CASCADE"
        )


PHASES: dict[str, float] = {}


def instrument():
    """Time each rule and the delivery phase (wrappers around the module's functions)."""
    from mechanisms.reminders import services as reminders

    def timed(name, func):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                PHASES[name] = PHASES.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    reminders.RULES = tuple(timed(rule.__name__, rule) for rule in reminders.RULES)
    for name in ("_claim_and_deliver", "_requeue_stale", "_enqueue_deliveries", "_catch_up_notification_emails"):
        setattr(reminders, name, timed(name, getattr(reminders, name)))


def measure(now: datetime.datetime, *, trace: bool):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mechanisms.reminders.services import reminder_sweep

    PHASES.clear()

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = reminder_sweep(now=now)
    elapsed = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {
        "seconds": round(elapsed, 2),
        "queries": len(queries.captured_queries),
        "created": result.total_created,
        "in_app": result.delivered_in_app,
        "queued": result.queued,
        "peak_mb": round(peak / 2**20, 1),
        "phases": {k: round(v, 2) for k, v in PHASES.items() if v >= 0.05},
    }


def scenarios(friday: datetime.date):
    """(label, when, what the database holds before: "empty" or "friday" = after Friday 09:00)."""
    from zoneinfo import ZoneInfo

    sh = ZoneInfo("Asia/Shanghai")
    monday = friday + datetime.timedelta(days=3)
    at = datetime.datetime.combine
    return [
        ("Friday 09:00, first sweep of the day", at(friday, datetime.time(9, 0), tzinfo=sh), "empty"),
        ("5 minutes later (nothing new)", at(friday, datetime.time(9, 5), tzinfo=sh), "friday"),
        ("Monday 08:30, weekly digest", at(monday, datetime.time(8, 30), tzinfo=sh), "friday"),
    ]


def run_size(scale: float) -> dict:
    from django.db import connection

    from mechanisms.models import ReminderDelivery
    from mechanisms.reminders.services import reminder_sweep

    friday = datetime.date(2026, 11, 20)
    first = scenarios(friday)[0][1]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE branches_organization, auth_group RESTART IDENTITY CASCADE")
    started = time.perf_counter()
    counts = load(scale, friday=friday)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_seconds = round(time.perf_counter() - started, 1)

    def prepare(state):
        clear_reminders()
        if state == "friday":
            reminder_sweep(now=first)
            # As if the workers had sent Friday's e-mails (else the later sweeps re-queue them).
            ReminderDelivery.objects.update(status="sent")

    rows = []
    for label, now, state in scenarios(friday):
        prepare(state)
        timed = measure(now, trace=False)
        prepare(state)  # the same sweep from the same state, traced, for the memory peak
        timed["peak_mb"] = measure(now, trace=True)["peak_mb"]
        rows.append({"scenario": label, **timed})
    return {"scale": scale, "counts": counts, "load_seconds": load_seconds, "rows": rows}


def main():
    bench = recreate_database()
    setup_django(bench)
    # A worker resolves the URLconf once, at its first sweep; the figures are of the sweeps after.
    from django.urls import reverse

    reverse("home")
    instrument()
    sizes = [float(s) for s in os.environ.get("BENCH_SCALES", "0.1,1").split(",")]
    results = [run_size(scale) for scale in sizes]
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reminders.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    print()
    print("| size | scenario | wall time (s) | queries | reminders created | in-app delivered | deliveries queued | peak Python memory (MiB) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        c = result["counts"]
        size = f"{c['projects']:,} projects / {c['instructions']:,} instructions / {c['branches']:,} branches"
        for row in result["rows"]:
            print(f"| {size} | {row['scenario']} | {row['seconds']} | {row['queries']} | {row['created']:,} | "
                  f"{row['in_app']:,} | {row['queued']:,} | {row['peak_mb']} |")
    print()
    for result in results:
        for row in result["rows"]:
            print(f"scale {result['scale']} · {row['scenario']}: " + ", ".join(f"{k} {v} s" for k, v in row["phases"].items()))
    print()
    print("loading: " + ", ".join(f"scale {r['scale']}: {r['load_seconds']} s" for r in results))
    _admin_url, _bench_url, name = database_urls()
    if os.environ.get("BENCH_KEEP_DB") != "1":
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
