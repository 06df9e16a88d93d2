"""Processes of tests/core/test_sqlite_concurrency.py: ``python -m tests.clocked tests.core.sqlite_workload ROLE DIR``.

They run on the settings `make run` uses (config.settings.local) with DATABASE_URL naming a
SQLite file in DIR, and talk to each other through files in DIR:

- ``setup``  builds the schema and a small city (staff, branches with a secretary, projects with an
  indicator) and operations ``world.json``;
- ``web N``  is one web server process: a few threads, as runserver's, each acting for the
  department staff through the views (activating branches, opening pages: every request also
  saves the session) and for the secretaries through the services (readings, notifications);
- ``worker`` is the Celery worker: the periodic tasks (reminder sweep, light refresh) in a loop
  until ``stop`` appears.

Each waits for ``go`` after writing ``ready-<name>`` so that all start writing at once, and
prints one JSON line: how many operations it did and every error it met.
"""

import json
import os
import sys
import threading
import time
import traceback
from decimal import Decimal
from pathlib import Path

THREADS_PER_WEB_PROCESS = 3
ROUNDS = 6


class _NoMigrations(dict):
    """MIGRATION_MODULES that disables every app's migrations: the schema comes from the models
    (as pytest-django's --nomigrations). On SQLite the migrations' table rebuilds take half a
    minute; what is under test here is the connection, not the migrations."""

    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def _django():
    import django
    from django.conf import settings

    settings.MIGRATION_MODULES = _NoMigrations()
    django.setup()


GO = {}


def _wait_for_go(folder: Path, name: str):
    (folder / f"ready-{name}").touch()
    deadline = time.monotonic() + 60
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{name}: no go signal")
        time.sleep(0.02)
    GO.setdefault("at", time.monotonic())


def setup(folder: Path):
    _django()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from branches.models import Organization, OrganizationKind, User
    from branches.roles import Role
    from tests.projects import factories as f

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)

    city = Organization.objects.create(name="靖江市", kind=OrganizationKind.CITY)
    committee = Organization.objects.create(name="市交通运输局党委", kind=OrganizationKind.PARTY_COMMITTEE, parent=city)
    staff = User.objects.create_user(username="zuzhibu", password="pw-for-tests-1", organization=city, full_name="王芳")
    staff.groups.add(Group.objects.get(name=Role.DEPARTMENT_STAFF.value))
    branches, indicators, secretaries = [], [], []
    for n in range(9):
        branch = f.make_branch(committee=committee, by=staff, name=f"攻坚支部{n}")
        secretary = User.objects.create_user(username=f"shuji{n}", password="pw-for-tests-1", organization=committee, full_name=f"书记{n}")
        f.appoint_secretary(branch=branch, user=secretary, by=staff, unit=committee)
        project = f.make_project(branch=branch, by=staff, name=f"项目{n}")
        indicators.append(f.make_indicator(project=project, by=staff, name=f"征迁户数{n}").pk)
        branches.append(branch.pk)
        secretaries.append(secretary.pk)
    world = {"staff": staff.pk, "branches": branches, "indicators": indicators, "secretaries": secretaries}
    (folder / "world.json").write_text(json.dumps(world))
    print(json.dumps({"role": "setup", "operations": 0, "errors": []}))


def web(folder: Path, index: int, processes: int):
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from branches.models import BranchStatus, User
    from mechanisms.common.services import notify
    from projects.models import Indicator
    from projects.services import indicator_record_reading

    setup_test_environment()
    world = json.loads((folder / "world.json").read_text())
    staff = User.objects.get(pk=world["staff"])
    connection.close()
    errors, operations = [], [0]
    lock = threading.Lock()

    def act(slot: int):
        client = Client()
        client.force_login(staff)
        me = index * THREADS_PER_WEB_PROCESS + slot
        stride = processes * THREADS_PER_WEB_PROCESS
        mine = [pk for n, pk in enumerate(world["branches"]) if n % stride == me]
        secretary = User.objects.get(pk=world["secretaries"][me % len(world["secretaries"])])
        indicator = Indicator.objects.get(pk=world["indicators"][me % len(world["indicators"])])
        _wait_for_go(folder, f"web{index}-{slot}")
        for round_ in range(ROUNDS):
            steps = [
                lambda: client.get(reverse("mechanisms:notification_list")),
                lambda n=round_: indicator_record_reading(indicator=indicator, value=Decimal(n + 1), by=secretary),
                lambda n=round_: notify(recipients=[staff, secretary], title=f"第{n}轮提醒", body="并发写入"),
            ]
            if round_ < len(mine):
                url = reverse("branches:branch_transition", args=[mine[round_]])
                steps.insert(1, lambda url=url: client.post(url, {"to": BranchStatus.ACTIVE, "reason": ""}))
            for step in steps:
                try:
                    result = step()
                    status = getattr(result, "status_code", 200)
                    if status >= 500:
                        raise RuntimeError(f"HTTP {status}")
                except Exception as exc:  # noqa: BLE001 - every failure is the finding
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
                else:
                    with lock:
                        operations[0] += 1
        connection.close()

    threads = [threading.Thread(target=act, args=(slot,)) for slot in range(THREADS_PER_WEB_PROCESS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"role": f"web{index}", "operations": operations[0], "errors": errors}))


def worker(folder: Path):
    _django()
    from mechanisms.reminders.tasks import reminder_sweep
    from projects.tasks import refresh_all_lights

    errors, operations = [], 0
    _wait_for_go(folder, "worker")
    while not (folder / "stop").exists():
        for task in (refresh_all_lights, reminder_sweep):
            try:
                task()
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                errors.append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
            else:
                operations += 1
    print(json.dumps({"role": "worker", "operations": operations, "errors": errors}))


if __name__ == "__main__":
    role, folder = sys.argv[1], Path(sys.argv[2])
    os.chdir(Path(__file__).resolve().parents[2])
    started = time.monotonic()
    if role == "setup":
        setup(folder)
    elif role == "web":
        web(folder, int(sys.argv[3]), int(sys.argv[4]))
    elif role == "worker":
        worker(folder)
    else:
        raise SystemExit(f"unknown role {role}")
    print(f"{role} took {time.monotonic() - started:.1f} s, {time.monotonic() - GO.get('at', started):.1f} s after go", file=sys.stderr)
