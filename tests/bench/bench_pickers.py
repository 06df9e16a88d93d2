"""The typeahead pickers at province scale (issue 11; ``make bench`` → .ci/bench.sh). Not a test
module (pytest does not collect it); it checks the bound on the forms' options and reports the
endpoint's times.

Creates its own database on the PostgreSQL server of DATABASE_URL (``BENCH_DB_NAME``, default
``gongjian_bench_pickers``, dropped and created again), bulk-loads a province —
``BENCH_PICKER_PEOPLE`` Party members (default 200,000) in 13 cities of 100 units each, one login
for every 100 members, 10,000 branches (scaled with the people) — then, as the province's
department staff:

- renders the new-branch and the new-project form and counts their ``<option>``s: they must not
  grow with the registry (the pickers render only what is chosen); the run fails if one passes
  ``MAX_OPTIONS``;
- asks the typeahead endpoint (``/pick/<source>/?q=…``) for people, units, branches and
  调度长 candidates, ``BENCH_PICKER_REPEAT`` times (default 30) for each of several texts, and
  reports the 50th and 95th percentile of the wall time through the whole Django stack (test
  client: session, middleware, the query, JSON).

    DATABASE_URL=postgresql://… DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python tests/bench/bench_pickers.py
"""

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("BENCH_DB_NAME", "gongjian_bench_pickers")

from bench_reminders import drop_database, recreate_database, setup_django  # noqa: E402

CITIES = 13
UNITS_PER_CITY = 100
# The fixed choice lists of the two forms (kinds, fronts, fields, scopes, cadences, chains) fit
# well under this; a picker that rendered its rows would pass it at the smallest scale.
MAX_OPTIONS = 150
TEXTS = ["张", "王1", "李23", "市", "局", "支部1", "调度长4", "", "zhang"]
SOURCES = ["people", "organizations", "project_branches", "dispatch_chiefs", "project_units"]


def people_wanted() -> int:
    return int(os.environ.get("BENCH_PICKER_PEOPLE", "200000"))


def load(people: int) -> dict:
    from django.contrib.auth.models import Group

    from branches.models import Branch, BranchStatus, Organization, Person, User, WorkField
    from branches.roles import Role

    surnames = "张王李赵刘陈杨黄周吴"
    province = Organization.objects.create(name="江苏省", kind="province")
    units = []
    for c in range(CITIES):
        city = Organization.objects.create(name=f"第{c}市", kind="city", parent=province)
        units.append(city)
        # Created one by one: the materialized path is set on save.
        for u in range(UNITS_PER_CITY):
            units.append(Organization.objects.create(
                name=f"第{c}市{'局' if u % 2 else '镇'}{u}", kind="department" if u % 2 else "town", parent=city
            ))
    committees = [u for u in units if u.kind == "department"]
    field = WorkField.objects.get_or_create(name="动迁", defaults={"front": "major_project"})[0]
    staff = User.objects.create_user(username="province_staff", password="x", full_name="省委组织部", organization=province)
    staff.groups.add(Group.objects.get_or_create(name=Role.DEPARTMENT_STAFF)[0])
    logins = User.objects.bulk_create(
        (User(username=f"u{i}", full_name=f"调度长{i}", organization=units[i % len(units)], password="!")
         for i in range(max(1, people // 100))),
        batch_size=5000,
    )
    Person.objects.bulk_create(
        (Person(name=f"{surnames[i % 10]}{i}", gender="male", work_unit=units[i % len(units)]) for i in range(people)),
        batch_size=10000,
    )
    branches = max(10, people // 20)
    Branch.objects.bulk_create(
        (Branch(name=f"攻坚支部{i}", front="major_project", field=field, scope="cross_domain",
                supervising_committee=committees[i % len(committees)], lead_unit=committees[i % len(committees)],
                goal="28天完成225户征迁", status=BranchStatus.ACTIVE)
         for i in range(branches)),
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"people": people, "units": len(units) + 1, "logins": len(logins) + 1, "branches": branches, "staff": staff}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    setup_django(recreate_database())
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    counts = load(people_wanted())
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(counts.pop("staff"))

    forms = {}
    for name, url in (("new branch", reverse("branches:branch_create")), ("new project", reverse("projects:project_create"))):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        options = len(re.findall(r"<option\b", response.content.decode()))
        forms[name] = {"options": options, "bytes": len(response.content)}
        assert options <= MAX_OPTIONS, f"{name}: {options} options"

    repeat = int(os.environ.get("BENCH_PICKER_REPEAT", "30"))
    timings, people_by_text = {}, {text: [] for text in TEXTS}
    for source in SOURCES:
        url = reverse("picker", args=[source])
        client.get(url, {"q": "张"})  # the first request of a source loads its module
        times = []
        for _ in range(repeat):
            for text in TEXTS:
                start = time.perf_counter()
                response = client.get(url, {"q": text})
                times.append((time.perf_counter() - start) * 1000)
                if source == "people":
                    people_by_text[text].append(times[-1])
                assert response.status_code == 200 and len(response.json()["results"]) <= 20
        timings[source] = {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 95), 1),
                           "requests": len(times)}

    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    by_text = {text: {"p50_ms": round(statistics.median(t), 1), "p95_ms": round(percentile(t, 95), 1)}
               for text, t in people_by_text.items()}
    result = {"counts": counts, "forms": forms, "typeahead": timings, "people_by_text": by_text}
    (out / "pickers.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\npeople {counts['people']:,} · units {counts['units']:,} · logins {counts['logins']:,} · branches {counts['branches']:,}")
    print("\n| form | options | page size (bytes) |\n|---|---|---|")
    for name, row in forms.items():
        print(f"| {name} | {row['options']} | {row['bytes']:,} |")
    print("\n| typeahead source | p50 (ms) | p95 (ms) | requests |\n|---|---|---|---|")
    for source, row in timings.items():
        print(f"| {source} | {row['p50_ms']} | {row['p95_ms']} | {row['requests']} |")
    print("\n| people: text typed | p50 (ms) | p95 (ms) |\n|---|---|---|")
    for text, row in by_text.items():
        print(f"| «{text}» | {row['p50_ms']} | {row['p95_ms']} |")
    slow = [s for s, row in timings.items() if row["p95_ms"] >= 100]
    if slow:
        print(f"\np95 at or above 100 ms: {', '.join(slow)}")
    drop_database()


if __name__ == "__main__":
    main()
