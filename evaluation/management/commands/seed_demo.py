"""``python manage.py seed_demo``: load the Jingjiang demo (idempotent, dates relative to today).

It lives in the top app so that it may call each app's demo seeder in dependency order
(branches → projects → mechanisms → evaluation) without any app importing upward. A seeder is a
function ``seed_demo(*, today) -> {label: count}``; add the later apps' seeders to ``SEEDERS``.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from branches import demo as branches_demo
from evaluation import demo as evaluation_demo
from mechanisms import demo_dispatch
from projects import demo as projects_demo

SEEDERS = [
    ("组织、党员与攻坚支部 / organizations, people, branches", branches_demo.seed_demo),
    ("攻坚项目、指标与节点 / projects, indicators, milestones", projects_demo.seed_demo),
    ("推进调度与对接会商 / dispatch sessions, instructions, consultations", demo_dispatch.seed_demo),
]
# The "how well" comes last: it evaluates the branches the seeders above concluded.
SEEDERS.append(("效能评估、党性鉴定与优先考虑名单 / evaluations, appraisals, priority list", evaluation_demo.seed_demo))


class Command(BaseCommand):
    help = "Load the Jingjiang demo data and the demo accounts (safe to run again)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        started = time.monotonic()
        summary = []
        # One transaction: a failed run leaves nothing half-seeded for the next run to skip.
        with transaction.atomic():
            for label, seeder in SEEDERS:
                summary.append((label, seeder(today=today)))
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪 / demo data ready ({elapsed:.1f} s)"))
        for label, counts in summary:
            self.stdout.write(f"  {label}: " + "，".join(f"{name} {n}" for name, n in counts.items()))
        self.stdout.write("")
        for line in branches_demo.account_lines():
            self.stdout.write(line)
