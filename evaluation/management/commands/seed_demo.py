"""``python manage.py seed_demo``: load the Jingjiang demo (idempotent, dates relative to today).

It lives in the top app so that it may call each app's demo seeder in dependency order
(branches → projects → mechanisms → evaluation) without any app importing upward. A seeder is a
function ``seed_demo(*, today) -> {label: count}``; add the later apps' seeders to ``SEEDERS``.

The whole seed is one transaction without nested savepoints (see ``one_transaction``): a seeder
must not catch an error raised by a service and carry on — it would find the transaction
doomed. Look records up before creating them instead (that is what makes a second run add
nothing anyway).
"""

import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone, translation

from branches import demo as branches_demo
from evaluation import demo as evaluation_demo
from evaluation.briefings import demo as briefings_demo
from mechanisms.demo import dispatch as demo_dispatch
from mechanisms.demo import records as demo_records
from mechanisms.demo import reminders as reminders_demo
from projects import demo as projects_demo

SEEDERS = [
    ("组织、党员与攻坚支部 / organizations, people, branches", branches_demo.seed_demo),
    ("攻坚项目、指标与节点 / projects, indicators, milestones", projects_demo.seed_demo),
    ("四项机制与周报（示范支部） / weekly reports, problems, dispatch, consultations, requests", demo_records.seed_demo),
    ("推进调度与对接会商 / dispatch sessions, instructions, consultations", demo_dispatch.seed_demo),
]
SEEDERS.append(("提醒：到点即发的督办与催办 / reminders due within minutes", reminders_demo.seed_demo))
# The "how well" comes last: it evaluates the branches the seeders above concluded.
SEEDERS.append(("效能评估、党性鉴定与优先考虑名单 / evaluations, appraisals, priority list", evaluation_demo.seed_demo))
# The briefings read every record above.
SEEDERS.append(("工作简报 / work briefings", briefings_demo.seed_demo))


@contextmanager
def one_transaction(using=DEFAULT_DB_ALIAS):
    """One all-or-nothing transaction for the whole seed, without the nested savepoints.

    Every service is ``@transaction.atomic``, so each call inside the seed's transaction would
    open and release a savepoint: about a third of the seed's round trips to the database. A
    savepoint only helps a caller that catches an error and carries on; the seed never does (any
    error aborts it and rolls everything back), so savepoints are switched off on this connection
    for the duration. An error inside then marks the whole transaction for rollback, as wanted.
    The outermost block keeps its savepoint when it is itself nested (in tests).

    This matters on PostgreSQL, where every statement is a round trip to the server.
    SQLite's backend decides about savepoints itself (they are cheap there) and keeps them."""
    connection = connections[using]
    with transaction.atomic(using=using):
        features = connection.features
        shadowed = "uses_savepoints" in vars(features)
        previous = features.uses_savepoints
        features.uses_savepoints = False
        try:
            yield
        finally:
            if shadowed:
                features.uses_savepoints = previous
            else:
                del features.uses_savepoints


class Command(BaseCommand):
    help = "Load the Jingjiang demo data and the demo accounts (safe to run again)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        started = time.monotonic()
        summary = []
        # One transaction: a failed run leaves nothing half-seeded for the next run to skip.
        # In the installation's language whoever calls: the services store texts (history
        # reasons, notices) in the language active when they are made, and a caller's may be
        # English (a test process after an English request left its thread in English).
        with one_transaction(), translation.override(settings.LANGUAGE_CODE):
            for label, seeder in SEEDERS:
                seeder_started = time.monotonic()
                counts = seeder(today=today)
                summary.append((label, counts, time.monotonic() - seeder_started))
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪 / demo data ready ({elapsed:.1f} s)"))
        for label, counts, seconds in summary:
            figures = "，".join(f"{name} {n}" for name, n in counts.items())
            self.stdout.write(f"  {label} ({seconds:.1f} s): {figures}")
        self.stdout.write("")
        for line in branches_demo.account_lines():
            self.stdout.write(line)
