"""``make run``: migrate, load the demo, serve on 127.0.0.1:8000 with a Celery worker and beat.

It serves the way production serves (config/settings/local.py): DEBUG off unless DJANGO_DEBUG=1,
static files through whitenoise, the Chinese error pages.

The worker runs embedded beat on whatever broker the settings name (kombu's filesystem broker
under var/ by default, so nothing but Python is needed). Ctrl-C stops everything started here.
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the demo data and run the web server with a Celery worker and beat."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the Celery worker.")

    def handle(self, *args, addrport, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("数据库已迁移 / database migrated"))
        call_command("seed_demo")
        worker = None if no_worker else self._start_worker()
        self.stdout.write(self.style.SUCCESS(f"\n  打开 / open:  http://{addrport}/"))
        if settings.DEBUG:
            self.stdout.write(self.style.WARNING("  调试模式已开启 / DEBUG is on (Django's debug pages are shown)\n"))
        else:
            self.stdout.write("  与正式环境一样关闭调试模式；开发时可设 DJANGO_DEBUG=1 / DEBUG off as in production\n")
        try:
            call_command("runserver", addrport, use_reloader=False, use_threading=True)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
            self.stdout.write("已停止 / stopped.")

    def _start_worker(self):
        var = settings.VAR_DIR
        var.mkdir(parents=True, exist_ok=True)
        log = open(var / "celery.log", "ab")  # noqa: SIM115 - lives as long as the worker
        cmd = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-B",
            "-s", str(var / "celerybeat-schedule"),
            "--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ]
        worker = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
        self.stdout.write(self.style.SUCCESS(f"Celery worker + beat started (pid {worker.pid}, log var/celery.log)"))
        return worker
