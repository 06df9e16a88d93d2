"""The Simplified Chinese catalogue is complete, and the committed .mo is what the .po compiles to."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
MSGID = re.compile(r'^(msgctxt|msgid) "(.*)"$')



def _require(path: Path):
    if shutil.which("msgfmt") is None or shutil.which("msgattrib") is None:
        pytest.fail("gettext's msgfmt and msgattrib are needed: apt-get install gettext")
    if not path.exists():
        pytest.fail(
            f"{path.relative_to(ROOT)} is missing: run `make messages` and translate every entry "
            "(the product's default language is Simplified Chinese)."
        )


def _entries(po_text: str) -> list[str]:
    """The msgids (with their context) of the entries in msgattrib's output, header excluded."""
    found, context = [], ""
    lines = po_text.splitlines()
    for index, line in enumerate(lines):
        match = MSGID.match(line)
        if not match:
            continue
        kind, text = match.groups()
        if kind == "msgctxt":
            context = text
            continue
        # A msgid "" followed by continuation lines is a long message; alone, it is the header.
        continued = index + 1 < len(lines) and lines[index + 1].startswith('"')
        if text or continued:
            label = text or "".join(part.strip('"') for part in _continuation(lines, index + 1))
            found.append(f"{context}\x04{label}" if context else label)
        context = ""
    return found


def _continuation(lines, start):
    for line in lines[start:]:
        if not line.startswith('"'):
            break
        yield line


def _msgattrib(*flags) -> list[str]:
    result = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(PO)], capture_output=True, text=True, check=True
    )
    return _entries(result.stdout)


def _report(kind: str, msgids: list[str]) -> str:
    shown = "\n".join(f"  - {m!r}" for m in msgids[:30])
    more = f"\n  … and {len(msgids) - 30} more" if len(msgids) > 30 else ""
    return f"{len(msgids)} {kind} entries in {PO.relative_to(ROOT)}:\n{shown}{more}"


def test_every_message_is_translated():
    _require(PO)
    untranslated = _msgattrib("--untranslated")
    assert not untranslated, _report("untranslated", untranslated)


def test_no_message_is_fuzzy():
    _require(PO)
    # The header's own fuzzy flag (left by makemessages) is not a message; _entries skips it.
    fuzzy = _msgattrib("--only-fuzzy")
    assert not fuzzy, _report("fuzzy", fuzzy)


def test_po_compiles_and_committed_mo_matches_it(tmp_path):
    _require(PO)
    _require(MO)
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, f"msgfmt rejects {PO.relative_to(ROOT)}:\n{result.stderr}"

    with compiled.open("rb") as fresh, MO.open("rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog
        actual = gettext.GNUTranslations(committed)._catalog
    stale = sorted(str(key) for key in expected.keys() | actual.keys() if expected.get(key) != actual.get(key))
    assert not stale, (
        f"{MO.relative_to(ROOT)} is stale: run `make messages` (compilemessages) and commit it. "
        f"{len(stale)} entries differ, e.g. {stale[:10]!r}"
    )
