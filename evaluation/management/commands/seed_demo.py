"""``python manage.py seed_demo``: load the Jingjiang demo (idempotent).

It lives in the top app so it may call each app's demo seeder in dependency order
(branches → projects → mechanisms → evaluation) without any app importing upward.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from branches.demo import seed_demo


class Command(BaseCommand):
    help = "Load the Jingjiang demo data and the demo accounts (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            summary = seed_demo()
        for line in summary.lines():
            self.stdout.write(line)
