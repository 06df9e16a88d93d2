"""The Simplified Chinese catalogue is complete — every message the code and templates mark is
in it and translated — and the committed .mo is what the .po compiles to."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

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


# What ``make messages`` reads: the project's own code and templates (not .venv, var, the
# vendored static files or the tests).
SOURCES = ("config", "core", "branches", "projects", "mechanisms", "evaluation")
TEMPLATE_SOURCES = "templates"


def test_every_message_the_code_marks_is_in_the_catalogue(tmp_path, monkeypatch, settings):
    """A string marked for translation but never extracted passes the checks above and shows in
    English. ``make messages`` is run on a copy of the catalogue, beside the Python sources
    (linked) and a copy of the templates (makemessages writes a ``.py`` file next to each
    template while it reads it), so nothing in the checkout is written; what it adds is
    untranslated."""
    _require(PO)
    for name in SOURCES:
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    shutil.copytree(ROOT / TEMPLATE_SOURCES, tmp_path / TEMPLATE_SOURCES)
    copy = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(PO, copy)
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, no_location=True, symlinks=True,
                 verbosity=0)
    result = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", "--no-wrap", str(copy)],
                            capture_output=True, text=True, check=True)
    missing = _entries(result.stdout)
    assert not missing, _report("marked in the code but missing from (run `make messages` and translate)", missing)


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


# ---------------------------------------------------------------- Chinese punctuation
# A Chinese sentence takes full-width marks (，。：；（）); ASCII ones read as a typo to a Chinese
# office ("预计2027-01-08完成, 比截止日期晚6天.", "统计期间:"). A mark counts as part of a Chinese
# sentence when a Chinese character or mark stands next to it (spaces aside), or when it ends
# a message that contains Chinese. Decimals, times and file extensions (1.5, 10:00, .xlsx) are
# not sentences.
CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
HAN = re.compile("[\u4e00-\u9fff]")
NEXT_TO_CJK = re.compile(f"[{CJK}]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sd]|\{\w*\}")
ASCII_MARK = re.compile(r"[,.:;()]")


def ascii_marks_in_chinese(text: str) -> list[str]:
    """The ASCII , . : ; ( ) of ``text`` that sit in Chinese, each with a little context."""
    if not HAN.search(text):
        return []
    text = PLACEHOLDER.sub("\x00", text)
    found = []
    for match in ASCII_MARK.finditer(text):
        i, mark = match.start(), match.group()
        following = text[i + 1 : i + 2]
        if mark == "." and re.match(r"[A-Za-z0-9]", following):
            continue  # 1.5, .xlsx
        if mark == ":" and re.match(r"[0-9]", following) and re.match(r"[0-9]", text[i - 1 : i]):
            continue  # 10:00
        before, after = text[:i].rstrip(" "), text[i + 1 :].lstrip(" ")
        chinese_before = bool(before) and bool(NEXT_TO_CJK.match(before[-1]))
        chinese_after = bool(after) and bool(NEXT_TO_CJK.match(after[0]))
        ends_sentence = mark in ".:;" and not after
        if chinese_before or chinese_after or ends_sentence:
            found.append(text[max(0, i - 8) : i + 8].replace("\x00", "…"))
    return found


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("预计%(on)s完成, 比截止日期晚%(n)s天.", True),
        ("统计期间:", True),
        ("第1批 (共3批)", True),
        ("导出Excel.", True),
        ("攻坚支部不关联产业链。", False),
        ("Excel 文件（.xlsx）", False),
        ("每周五17:00截止，进度完成1.5倍。", False),
        ("%(a)s · %(b)s", False),
    ],
)
def test_the_punctuation_check_tells_chinese_from_numbers(text, bad):
    assert bool(ascii_marks_in_chinese(text)) is bad


def test_chinese_messages_use_chinese_punctuation():
    _require(MO)
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    offending = []
    for key, text in catalogue.items():
        marks = ascii_marks_in_chinese(text)
        if marks:
            msgid = key[0] if isinstance(key, tuple) else key
            offending.append(f"{msgid.split(chr(4))[-1]!r} → {text!r}: {marks}")
    assert not offending, (
        f"ASCII punctuation inside Chinese in {PO.relative_to(ROOT)} (use ，。：；（）):\n" + "\n".join(offending[:30])
    )


# A template that writes ASCII punctuation next to a translated piece shows it inside Chinese:
# "{% translate "Period" %}: {{ x }}" reads "统计期间: 本月". Put the mark into the message, or use
# {% load punctuation %}{% colon %} / {% comma %} / {% period %}, which follow the language.
TEMPLATES = ROOT / "templates"
MARK_AFTER_TRANSLATED = re.compile(r"\{% (?:translate\b[^%]*|endblocktranslate) %\}(?:</\w+>)*[,.:;](?=[\s<{]|$)", re.M)
MARK_BEFORE_TRANSLATED = re.compile(r"(?:%\}|\}\}|>)[,.:;]\s*(?:<[^/][^>]*>\s*)*\{% (?:translate|blocktranslate)\b")


def test_templates_put_no_ascii_punctuation_next_to_a_translated_piece():
    offending = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for pattern in (MARK_AFTER_TRANSLATED, MARK_BEFORE_TRANSLATED):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offending.append(f"{path.relative_to(ROOT)}:{line}: {match.group()[-60:]}")
    assert not offending, "ASCII punctuation next to translated text (use {% colon %} and friends):\n" + "\n".join(offending)
