"""The application's PostgreSQL connections run with JIT off (issue 14, docs/deployment.md);
the setting touches no other database engine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _load_databases(**extra) -> dict:
    """``DATABASES["default"]`` as the local settings build it from ``extra`` alone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_READ_DOT_ENV_FILE="false", **extra)
    code = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default'], default=str))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("postgresql://app:pw@db:5432/gongjian", {"options": "-c jit=off"}),
        # Options of the URL are kept; a jit of its own wins.
        (
            "postgresql://app:pw@db:5432/gongjian?options=-c%20search_path%3Dapp",
            {"options": "-c search_path=app -c jit=off"},
        ),
        ("postgresql://app:pw@db:5432/gongjian?options=-c%20jit%3Don", {"options": "-c jit=on"}),
        ("sqlite:////tmp/gongjian-test.sqlite3", None),
    ],
)
def test_jit_option_only_for_postgresql(url, options):
    database = _load_databases(DATABASE_URL=url)
    if options is None:
        assert "options" not in database.get("OPTIONS", {})
    else:
        assert database["OPTIONS"] == options


def test_jit_option_can_be_left_to_the_server():
    database = _load_databases(DATABASE_URL="postgresql://app:pw@db:5432/gongjian", DATABASE_JIT_OFF="false")
    assert "options" not in database.get("OPTIONS", {})
