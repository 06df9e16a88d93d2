"""The demo as each role sees it, crawled (issue 11): from the landing page, the navigation's
links and the links of the pages they reach (breadth first, a bounded number of pages a role),
with DEBUG off. Every page answers in Chinese: no common English UI word in its text or its
labels, no debug page, no error; an address outside the role's reach answers the Chinese 404.

Through Django's test client, not a browser: the demo lives in the session's open transaction
(tests/demo_data.py), which a live server's own connection cannot see, and seeding it again
committed costs a minute. What is checked — the served HTML — is what a browser is given.
"""

import re
from collections import deque
from html import unescape

import pytest
from django.test import Client

from branches.demo_accounts import DEMO_ACCOUNTS
from branches.models import Branch, User

pytestmark = pytest.mark.django_db

PAGES_PER_ROLE = 30
# Links not to follow: leaving, changing the language, files, the admin, the live timeline
# fragments (htmx partials, not pages).
SKIP = re.compile(r"^/(accounts/logout|i18n|static|media|admin|healthz)|download|export|\.xlsx|/timeline/|/status/")
HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')
LABELS = re.compile(r'\b(?:aria-label|placeholder|title|alt)="([^"]*)"')
# Words an English page (or an untranslated piece of one) shows; a proper name like "Excel" or
# "PDF" is not among them.
ENGLISH = re.compile(
    r"\b(?:the|and|of|Save|Cancel|Search|Submit|Delete|Edit|Add|Back|Next|Previous|Status|Name|Date|Page|"
    r"Error|Not Found|Forbidden|Login|Log out|Branch|Project|Report|Problem|Dispatch|Member|Filter|Yes|No|All|Any)\b"
)
DEBUG_MARKERS = ("Traceback", "Request Method", "Django Version", "You're seeing this error", "URLconf")


def _visible_text(html: str) -> str:
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    labels = " ".join(LABELS.findall(body))
    text = re.sub(r"(?s)<[^>]+>", " ", body)
    return unescape(f"{text} {labels}")


def _check_page(path: str, response) -> None:
    assert response.status_code in (200, 302), f"{path}: {response.status_code}"
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html, path
    for marker in DEBUG_MARKERS:
        assert marker not in html, f"{path}: {marker}"
    english = sorted(set(ENGLISH.findall(_visible_text(html))))
    assert not english, f"{path}: English words {english}"


def _crawl(client: Client) -> list[str]:
    seen, queue, visited = {"/"}, deque(["/"]), []
    while queue and len(visited) < PAGES_PER_ROLE:
        path = queue.popleft()
        response = client.get(path, follow=True)
        visited.append(path)
        _check_page(path, response)
        if response.status_code != 200:
            continue
        for href in HREF.findall(response.content.decode()):
            href = unescape(href)
            # One page per list: its filtered and paged variants are the same template.
            key = href.split("?")[0]
            if key not in seen and not SKIP.search(href):
                seen.add(key)
                queue.append(href)
    return visited


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=[a.username for a in DEMO_ACCOUNTS])
def test_each_role_crawls_the_demo_in_chinese(demo_full, account, settings):
    assert settings.DEBUG is False
    client = Client()
    client.force_login(User.objects.get(username=account.username))
    visited = _crawl(client)
    # The navigation leads somewhere: every role reaches more than its landing page.
    assert len(visited) >= 5, visited


def test_an_address_out_of_reach_answers_the_chinese_404(demo_full):
    member = User.objects.get(username="dangyuan")
    client = Client()
    client.force_login(member)
    theirs = Branch.objects.exclude(memberships__person__user=member).order_by("pk").first()
    response = client.get(f"/branches/{theirs.pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html or "找不到" in html, html[:500]
    assert not ENGLISH.findall(_visible_text(html))
    for marker in DEBUG_MARKERS:
        assert marker not in html
