"""Production: fail fast without a secret, a database or Redis; HTTPS everywhere; ``check --deploy`` clean."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import CELERY_BROKER_URL, env

DEBUG = False
try:
    SECRET_KEY = env.str("SECRET_KEY")
except ImproperlyConfigured as exc:  # pragma: no branch - the message is the point
    raise ImproperlyConfigured("SECRET_KEY must be set in production (see .env.example).") from exc
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

# The no-server defaults of base.py (SQLite, a file-system broker under var/) keep state on one
# machine's disk: two gunicorn nodes or workers on another host would each see their own.
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must name the PostgreSQL database in production.")
if CELERY_BROKER_URL.startswith("filesystem://"):
    raise ImproperlyConfigured("REDIS_URL (or CELERY_BROKER_URL) must name the Redis server in production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
