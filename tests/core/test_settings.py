"""Each settings module loads from the environment; production refuses to start half-configured."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "BROKER": settings.CELERY_BROKER_URL,
    "STATIC": settings.STORAGES["staticfiles"]["BACKEND"],
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    "TIME_ZONE": settings.TIME_ZONE,
    "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE,
    "SESSION_ABSOLUTE_TIMEOUT": settings.SESSION_ABSOLUTE_TIMEOUT,
    "AXES_FAILURE_LIMIT": settings.AXES_FAILURE_LIMIT,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "CSP": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"],
    "DB_OPTIONS": settings.DATABASES["default"].get("OPTIONS", {}),
}))
"""
# Variables a developer's shell (or make test) may have set; each case states its own.
_CONFIG_VARS = (
    "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_ENV", "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _env(module: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARS}
    env.update(DJANGO_SETTINGS_MODULE=module, DJANGO_READ_DOT_ENV_FILE="false", **extra)
    return env


def _run(args, env, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _load(module: str, **extra) -> dict:
    code = "import django; django.setup()\n" + PROBE
    result = _run([sys.executable, "-c", code], _env(module, **extra))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _production_env(**overrides) -> dict:
    values = {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "dangjian.example.gov.cn",
        "DATABASE_URL": "postgresql://app:secret@db.internal:5432/gongjian",
        "REDIS_URL": "redis://redis.internal:6379/0",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def test_local_settings_load_with_nothing_in_the_environment():
    loaded = _load("config.settings.local")

    # `make run` is what an evaluator sees first: no debug pages unless a developer asks.
    assert loaded["DEBUG"] is False
    assert loaded["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    # `make run` needs nothing but Python: SQLite and kombu's file-system broker.
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    # Safe for a few users and the worker at once (tests/core/test_sqlite_concurrency.py).
    assert loaded["DB_OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in loaded["DB_OPTIONS"]["init_command"]
    assert "PRAGMA busy_timeout=" in loaded["DB_OPTIONS"]["init_command"]
    assert loaded["BROKER"].startswith("filesystem://")
    assert loaded["STATIC"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert loaded["LANGUAGE_CODE"] == "zh-hans"
    assert loaded["TIME_ZONE"] == "Asia/Shanghai"
    assert loaded["SESSION_COOKIE_AGE"] == 30 * 60
    assert loaded["SESSION_ABSOLUTE_TIMEOUT"] == 12 * 60 * 60


@pytest.mark.parametrize("variable", ["DJANGO_DEBUG", "DEBUG"])
def test_debug_is_the_developers_explicit_choice(variable):
    assert _load("config.settings.local", **{variable: "1"})["DEBUG"] is True


DEMO_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
css = client.get("/static/css/app.css")
missing = client.get("/no-such-page/")
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "css": css.status_code,
    "css_body": b"".join(css.streaming_content).decode()[:200],
    "missing": missing.status_code,
    "missing_html": missing.content.decode(),
}))
"""


def test_the_demo_serves_static_files_and_chinese_errors_with_debug_off(tmp_path):
    """`make run`'s settings: whitenoise serves the source static files (no collectstatic) and
    an unknown page is the product's Chinese 404, not Django's list of URL patterns."""
    env = _env(
        "config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = _run([sys.executable, "-c", DEMO_PROBE], env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["DEBUG"] is False
    assert seen["css"] == 200 and "--party-red" in seen["css_body"]
    assert seen["missing"] == 404
    assert "页面不存在" in seen["missing_html"] and "URLconf" not in seen["missing_html"]
    assert "No directory at" not in result.stderr


def test_test_settings_load_on_postgresql_and_redis():
    loaded = _load(
        "config.settings.test",
        DATABASE_URL="postgresql://postgres@127.0.0.1:5432/whatever",
        REDIS_URL="redis://127.0.0.1:6379/9",
    )

    assert loaded["DEBUG"] is False
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["DB_OPTIONS"] == {"options": "-c jit=off"}  # PostgreSQL's JIT off (docs/deployment.md)
    assert loaded["BROKER"] == "redis://127.0.0.1:6379/9"
    assert loaded["AXES_FAILURE_LIMIT"] == 3
    assert loaded["STATIC"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_production_settings_load_with_a_full_environment():
    loaded = _load("config.settings.production", **_production_env())

    assert loaded["DEBUG"] is False
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["BROKER"] == "redis://redis.internal:6379/0"
    assert loaded["STATIC"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert loaded["ALLOWED_HOSTS"] == ["dangjian.example.gov.cn"]
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["CSP"] == ["'self'"]


def test_django_env_picks_the_module():
    loaded = _load("config.settings", DJANGO_ENV="production", **_production_env())
    assert loaded["STATIC"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    loaded = _load("config.settings", DJANGO_ENV="test")
    assert loaded["AXES_FAILURE_LIMIT"] == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set in production"),
        ({"SECRET_KEY": "too-short"}, "at least 50 characters"),
        ({"SECRET_KEY": "insecure-" + "x" * 60}, "at least 50 characters"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    ],
    ids=["no-secret", "short-secret", "insecure-secret", "no-database", "no-redis", "no-hosts"],
)
def test_production_refuses_to_start_half_configured(overrides, message):
    code = "import django; django.setup()"
    result = _run([sys.executable, "-c", code], _env("config.settings.production", **_production_env(**overrides)))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    env = _env("config.settings.production", DJANGO_ENV="production", **_production_env())
    result = _run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
