"""Every environment variable the settings read is documented for operators."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = sorted((ROOT / "config" / "settings").glob("*.py"))
# env.str("NAME", ...), env.bool("NAME"), os.environ.get("NAME", ...), Env().bool("NAME", ...)
READ = re.compile(r"""(?:env|Env\(\))\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']|os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _variables() -> set[str]:
    found = set()
    for path in SETTINGS:
        for match in READ.finditer(path.read_text()):
            found.add(match.group(1) or match.group(2))
    return found


def test_the_settings_read_the_variables_we_expect():
    # Guards the regular expression: if it found nothing the other tests would pass vacuously.
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "DJANGO_ENV"} <= _variables()


def test_every_variable_is_in_env_example():
    text = (ROOT / ".env.example").read_text()
    missing = sorted(name for name in _variables() if not re.search(rf"^#?\s*{name}=", text, re.M))
    assert not missing, f".env.example lacks {missing}"


def test_every_variable_is_in_the_deployment_guide():
    text = (ROOT / "docs" / "deployment.md").read_text()
    missing = sorted(name for name in _variables() if f"`{name}`" not in text)
    assert not missing, f"docs/deployment.md lacks {missing}"
