"""Settings package: ``config.settings`` picks a module from DJANGO_ENV (default local)."""

import os

_env = os.environ.get("DJANGO_ENV", "local")
if _env == "production":
    from .production import *  # noqa: F401,F403
elif _env == "test":
    from .test import *  # noqa: F401,F403
else:
    from .local import *  # noqa: F401,F403
