"""Settings shared by every environment, read from the environment with django-environ.

With no environment at all the product runs on SQLite and kombu's filesystem broker
under ``var/`` so that ``make run`` works on a machine with nothing but Python.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

# .env, if any, was read by config/settings/__init__.py (it runs before this module).
env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "axes",
    "csp",
    "django_htmx",
    "django_filters",
    "core",
    "branches",
    "projects",
    "mechanisms",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.passwords.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
                "mechanisms.common.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default (`make run`) serves a handful of users and the worker at once.
    # WAL: readers never wait for the writer, nor the writer for readers. A busy timeout: a
    # writer waits its turn (up to 20 s) instead of failing at once with "database is locked".
    # IMMEDIATE: a transaction takes the write lock when it begins, so one that read first
    # cannot fail when it comes to write (SQLite refuses that upgrade without waiting).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000",
        }
    )
# PostgreSQL's JIT compiles the plans of the costly visibility queries (dashboard, lists) for
# 1–3 s at province scale, more than running them takes (docs/deployment.md, issue 14): off
# for the application's connections, unless DATABASE_URL's own options set jit (or
# DATABASE_JIT_OFF=false, behind a pooler that refuses startup options).
if DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")) and env.bool("DATABASE_JIT_OFF", default=True):
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in _pg_options.get("options", ""):
        _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "branches.User"
AUTHENTICATION_BACKENDS = [
    # Axes first so a locked-out user is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    # Complexity, no reuse of the last PASSWORD_HISTORY; also keeps the history and audits the change.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.passwords.PasswordPolicyValidator", "OPTIONS": {"min_length": 8, "kinds": 3}},
]
# A password expires after this many days (0: never); the last PASSWORD_HISTORY may not be reused.
PASSWORD_EXPIRY_DAYS = env.int("PASSWORD_EXPIRY_DAYS", default=90)
PASSWORD_HISTORY = env.int("PASSWORD_HISTORY", default=5)
# A refused CSRF check answers the product's own Chinese page (what happened, what to do next).
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: 30 minutes idle, 12 hours absolute (core.middleware.SessionTimeoutMiddleware). The
# session row and cookie are refreshed at most once a SESSION_REFRESH_INTERVAL, not on every
# request (issue 14), so a session ends between 29 and 30 minutes after the last request.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_REFRESH_INTERVAL = env.int("SESSION_REFRESH_INTERVAL", default=60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = False

# django-axes: lock an account (per username + IP) after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind N reverse proxies the client's address is the N-th entry from the right of
# X-Forwarded-For (each proxy appends the address it saw); 0 means Django faces clients directly.
# Without this every user behind nginx would share one address and one lockout counter.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"

# django-guardian: no anonymous user row; object permissions are for logged-in holders only.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def s3_storage(source) -> dict | None:
    """The default storage in S3-compatible object storage (django-storages) when S3_BUCKET is
    set: attachments and export files then live in the bucket, shared by every web node and
    worker (docs/deployment.md, "Object storage"). Files stay private: they are streamed by the
    views that check who may see them, never linked to the bucket."""
    bucket = source.str("S3_BUCKET", default="")
    if not bucket:
        return None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": source.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": source.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": source.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": source.str("S3_REGION", default="") or None,
            "location": source.str("S3_PREFIX", default=""),
            "addressing_style": source.str("S3_ADDRESSING_STYLE", default="path"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }


if _s3 := s3_storage(env):
    STORAGES["default"] = _s3
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded files are never served directly: views check the user may see the record first.
MEDIA_URL = "/media-not-served/"
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024
# The leaders' dashboard keeps its figures in the cache this many seconds, per jurisdiction and
# filters (evaluation.dashboard.cached_dashboard; the page shows when they were read). 0: none.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=120)
# Excel exports up to this many rows are written in the request; larger ones by a Celery worker
# (core.exports), with a progress page and a download link when done.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=3000)
# The base .docx of every generated 公文 (GB/T 9704 page set-up and styles, core.gbdoc); a
# department may point this at its own file (docs/deployment.md, "The document template").
GBDOC_TEMPLATE = env.path("GBDOC_TEMPLATE", default=str(BASE_DIR / "templates" / "docx" / "gb9704.docx"))

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="攻坚支部管理系统 <noreply@localhost>")
# Absolute links in e-mails and robot messages.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# ---------------------------------------------------------------- Redis / Celery
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    _default_broker = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _default_broker = "filesystem://localhost//"

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_default_broker)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_DATA_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: one folder for in and out, explicit processed and
    # control folders (the control folder would otherwise land in the working directory).
    for _sub in ("queue", "processed", "control"):
        (CELERY_BROKER_DATA_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DATA_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DATA_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=1.0),
    }
# A web request must never hang on a broker that is down (the reminder sweep catches up later).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=1.0)
HEALTHZ_TIMEOUT = env.float("HEALTHZ_TIMEOUT", default=1.5)
# A monitor sending this in the X-Healthz-Token header sees each service's state (empty: only
# signed-in admin staff do); everyone else sees ok / degraded.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

# Reminder sweep: a static beat schedule. Exactly one beat process runs in production.
REMINDER_SWEEP_MINUTES = env.int("REMINDER_SWEEP_MINUTES", default=5)
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {
        "task": "mechanisms.tasks.reminder_sweep",
        "schedule": crontab(minute=f"*/{REMINDER_SWEEP_MINUTES}"),
        "options": {"expires": REMINDER_SWEEP_MINUTES * 60},
    },
    # Lights change as time passes: recompute every open project's light each night (after the
    # date changes, before the working day), so the red-project reminder fires without a new figure.
    "refresh-project-lights": {
        "task": "projects.tasks.refresh_all_lights",
        "schedule": crontab(hour=env.int("LIGHT_REFRESH_HOUR", default=6), minute=0),
        "options": {"expires": 3 * 60 * 60},
    },
    # The security audit trail keeps AUDIT_RETENTION_DAYS (core.audit: never under 180).
    "audit-purge": {
        "task": "core.audit_purge",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
}
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

# Weekly report (周报) deadline in TIME_ZONE: weekday (0 = Monday) and time. Reports first
# submitted after it are marked late; the reminders use it too.
WEEKLY_REPORT_DEADLINE = {
    "weekday": env.int("WEEKLY_REPORT_DEADLINE_WEEKDAY", default=4),
    "time": env.str("WEEKLY_REPORT_DEADLINE_TIME", default="17:00"),
}
# Working days the supervising committee has to answer a request for decision (请示).
DECISION_REQUEST_REPLY_WORKDAYS = env.int("DECISION_REQUEST_REPLY_WORKDAYS", default=5)

# Reminder rules (mechanisms/services/reminders.py: config() lists every key and its default).
REMINDERS: dict = {}
REMINDER_WEBHOOK_TIMEOUT = env.float("REMINDER_WEBHOOK_TIMEOUT", default=5.0)
# Hosts a group-robot webhook URL may name (core/webhooks.py): the WeCom and DingTalk robots.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=["qyapi.weixin.qq.com", "oapi.dingtalk.com"])
# Hosts that are allowed as well and may resolve to private addresses (an intranet gateway).
WEBHOOK_INTERNAL_HOSTS = env.list("WEBHOOK_INTERNAL_HOSTS", default=[])

# ---------------------------------------------------------------- security (tightened in production)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True
