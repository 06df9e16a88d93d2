"""Every action that cannot be undone asks first, and says in Chinese what will happen.

The pages mark such a form (or its submit button) with ``data-confirm="…"``; static/js/app.js
(and evaluation.js for a button) turns it into the browser's confirmation. The check reads the
templates, so it needs no browser: a form posting to one of these URLs without a translated
question fails here.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from branches.models import Branch, BranchScope, BranchStatus, Front, WorkField
from branches.roles import Role

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

# URL names whose POST cannot be undone. A name with one of these words is irreversible too, so a
# new delete or finalize form is caught without editing the list.
IRREVERSIBLE = {
    "branches:branch_transition",  # activate, conclude, dissolve: the lifecycle has no way back
    "branches:membership_end",
    "evaluation:evaluation_start",
    "evaluation:evaluation_finalize",
    "evaluation:appraisals_finalize_ready",
    "projects:project_transition",
    "projects:milestone_done",
    "mechanisms:dispatch_record",
    "mechanisms:instruction_verify",
    "mechanisms:decisionrequest_submit",
    "mechanisms:decisionrequest_reply",
    "mechanisms:report_submit",
    "mechanisms:problem_verify",
    "mechanisms:consultation_hold",
    "mechanisms:consultation_close",
    "mechanisms:resolution_verify",
    "evaluation:briefing_issue",  # takes the next issue number for good
}
IRREVERSIBLE_WORDS = re.compile(r"(delete|remove|finalize|dissolve|conclude|close|transition)")

FORM = re.compile(r"<form\b(?P<tag>[^>]*)>(?P<body>.*?)</form>", re.S)
ACTION = re.compile(r"""action="\{% url '(?P<name>[\w:]+)'""")
CONFIRM = re.compile(r'data-confirm="(?P<text>[^"]*)"')
TRANSLATE = re.compile(r"""\{% translate '(?P<msgid>[^']+)' %\}""")
BLOCKTRANSLATE = re.compile(r"\{% blocktranslate[^%]*%\}(?P<msgid>.*?)\{% endblocktranslate %\}", re.S)
FINALIZE_BUTTON = re.compile(r"""<button\b[^>]*name="finalize"[^>]*>""")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _forms():
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for match in FORM.finditer(text):
            tag, body = match.group("tag"), match.group("body")
            if 'method="post"' not in tag.lower():
                continue
            action = ACTION.search(tag)
            yield path.relative_to(TEMPLATES).as_posix(), action.group("name") if action else "", tag, body


def _questions(tag: str, body: str) -> list[str]:
    """The msgids of the question the form (or one of its submit buttons) asks."""
    texts = [m.group("text") for m in CONFIRM.finditer(tag)] + [m.group("text") for m in CONFIRM.finditer(body)]
    msgids = []
    for text in texts:
        msgids += [m.group("msgid") for m in TRANSLATE.finditer(text)]
        msgids += [re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", m.group("msgid")) for m in BLOCKTRANSLATE.finditer(text)]
    return msgids


def _irreversible(name: str) -> bool:
    return name in IRREVERSIBLE or bool(IRREVERSIBLE_WORDS.search(name.partition(":")[2]))


def test_the_scan_finds_the_forms():
    # Guards the regular expressions: if they found nothing the checks below would pass vacuously.
    names = {name for _path, name, _tag, _body in _forms()}
    assert IRREVERSIBLE <= names, sorted(IRREVERSIBLE - names)


def test_every_irreversible_form_asks_first_in_chinese():
    missing, untranslated = [], []
    for path, name, tag, body in _forms():
        if not _irreversible(name):
            continue
        msgids = _questions(tag, body)
        if not msgids:
            missing.append(f"{path}: {name}")
            continue
        with translation.override("zh-hans"):
            for msgid in msgids:
                if not CJK.search(translation.gettext(msgid)):
                    untranslated.append(f"{path}: {msgid!r}")
    assert not missing, "These forms do something that cannot be undone without asking (add data-confirm):\n" + "\n".join(missing)
    assert not untranslated, "Translate these questions in locale/zh_Hans:\n" + "\n".join(untranslated)


def test_a_finalize_button_asks_first():
    for path in sorted(TEMPLATES.rglob("*.html")):
        for button in FINALIZE_BUTTON.findall(path.read_text()):
            assert CONFIRM.search(button), f"{path}: {button}"


# ---------------------------------------------------------------- the branch page
@pytest.fixture
def active_branch(org_tree):
    field, _ = WorkField.objects.get_or_create(name="动迁", defaults={"front": Front.MAJOR_PROJECT})
    return Branch.objects.create(
        name="过江通道动迁攻坚支部", batch=1, front=field.front, field=field, scope=BranchScope.CROSS_DOMAIN,
        supervising_committee=org_tree["committee_a"], lead_unit=org_tree["committee_a"], goal="28天完成征迁",
        status=BranchStatus.ACTIVE,
    )


@pytest.mark.django_db
def test_concluding_asks_and_sits_apart_from_the_red_dissolve_box(client, make_user, org_tree, active_branch):
    client.force_login(make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"]))

    html = client.get(reverse("branches:branch_detail", args=[active_branch.pk])).content.decode()

    lifecycle = html[html.index('data-testid="lifecycle"') : html.index("</section>", html.index('data-testid="lifecycle"'))]
    conclude = lifecycle[lifecycle.rindex("<form", 0, lifecycle.index('data-testid="transition-concluded"')) :]
    assert re.search(r'data-confirm="确定今天结束该支部任务吗？[^"]*不能重新开启[^"]*"', conclude), conclude[:600]
    # Dissolving is not in the lifecycle card: it has its own red box at the bottom of the page,
    # after the history, and asks too.
    assert 'data-testid="transition-dissolved"' not in lifecycle
    box = html[html.index('data-testid="dissolve-box"') :]
    assert html.index('data-testid="history"') < html.index('data-testid="dissolve-box"')
    assert "border-danger" in html[html.rindex("<section", 0, html.index('data-testid="dissolve-box"')) : html.index('data-testid="dissolve-box"')]
    assert 'data-testid="transition-dissolved"' in box and 'data-confirm="确定撤销该支部吗？此操作不可撤回。"' in box
