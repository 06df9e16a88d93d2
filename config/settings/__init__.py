"""Settings package: ``config.settings`` picks a module from DJANGO_ENV (default local).

A developer's ``.env`` is read here, before DJANGO_ENV is looked at, so that it may set
DJANGO_ENV too. The real environment wins over the file; tests that must see the environment
exactly as given (e.g. "production without SECRET_KEY") set DJANGO_READ_DOT_ENV_FILE=false.
"""

import os
from pathlib import Path

import environ

if environ.Env().bool("DJANGO_READ_DOT_ENV_FILE", default=True):
    environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".env", overwrite=False)

_env = os.environ.get("DJANGO_ENV", "local")
if _env == "production":
    from config.settings.production import *  # noqa: F401,F403
elif _env == "test":
    from config.settings.test import *  # noqa: F401,F403
else:
    from config.settings.local import *  # noqa: F401,F403
