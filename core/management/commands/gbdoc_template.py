"""Write the GB/T 9704 base template (``templates/docx/gb9704.docx`` or the path given).

The shipped file is this command's output. A department that wants its own letterhead styles
opens it in Word, changes what it needs (keeping the style names ``GB …``) and points
``GBDOC_TEMPLATE`` at the result (docs/deployment.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.gbdoc import write_base_template


class Command(BaseCommand):
    help = "Write the GB/T 9704-2012 base template for generated Word documents."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="where to write it (default: settings.GBDOC_TEMPLATE)")

    def handle(self, *args, path=None, **options):
        target = write_base_template(Path(path or settings.GBDOC_TEMPLATE))
        self.stdout.write(f"{target}")
