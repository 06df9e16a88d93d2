"""Local development and the ``make run`` demo: served the way production serves.

DEBUG is off unless the developer asks for it (``DJANGO_DEBUG=1``, or ``DEBUG=1``): an evaluator
trying the demo sees the Chinese error pages, never Django's debug pages. Static files come
through whitenoise straight from the source folders (``WHITENOISE_USE_FINDERS``), so the demo
needs no ``collectstatic`` and a changed stylesheet shows on the next start. Production instead
collects hashed, compressed files (``CompressedManifestStaticFilesStorage``).
"""

from pathlib import Path

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import STATIC_ROOT, env, s3_storage

DEBUG = env.bool("DJANGO_DEBUG", default=env.bool("DEBUG", default=False))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
STORAGES = {
    "default": s3_storage(env) or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Plain storage: the demo need not run collectstatic first.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# With DEBUG on, whitenoise looks files up on every request (edits show at once); with it off,
# it indexes them once at start-up, as in production.
WHITENOISE_AUTOREFRESH = DEBUG
# whitenoise also serves STATIC_ROOT (a collectstatic, if one was run; the source files win)
# and warns at start-up when the folder is missing.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
