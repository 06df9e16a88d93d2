"""The shape of the code, checked like behaviour: the arrows between apps and rooms
(import-linter, configured in pyproject.toml) and no import hidden inside a function."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("config", "core", "branches", "projects", "mechanisms", "evaluation")
# Django's own idiom: an AppConfig.ready() imports what must wait for the app registry, and the
# settings package picks one module at run time. Neither dodges a cycle.
ALLOWED = {"apps.py", "config/settings/__init__.py"}


def _sources():
    for app in PROJECT:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            yield path


def _hidden_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if id(node) in top or not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        if isinstance(node, ast.ImportFrom) and node.level:
            names = ["." + (node.module or "")]
        if any(name.startswith(".") or name.split(".")[0] in PROJECT for name in names):
            found.append(f"{path}:{node.lineno} {ast.unparse(node)}")
    return found


def test_no_project_import_hides_inside_a_function():
    hidden = []
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        if path.name in ALLOWED or rel in ALLOWED:
            continue
        hidden += _hidden_imports(path)
    assert hidden == [], "Move these imports to the top of the module (or move the thing to where it belongs):\n" + "\n".join(hidden)


def test_the_checker_sees_a_hidden_import(tmp_path):
    # The check above must be able to fail: a function-level project import is reported.
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from mechanisms.weekly.rules import current_week\n    return current_week()\n")
    assert len(_hidden_imports(sample)) == 1


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
