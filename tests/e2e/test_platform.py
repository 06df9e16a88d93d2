"""The platform in a real browser: each demo role logs in and sees its Chinese navigation; the
language switch; the layout at desktop and phone size (screenshots under tests/artifacts/)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from branches.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from branches.models import User
from branches.roles import Role
from config.navigation import menu_labels
from tests.conftest import DESKTOP, PHONE

# transaction=True: the live server reads what the test wrote.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The role names of DESIGN §2, as the Simplified Chinese catalogue must render them.
ROLE_ZH = {
    Role.DEPARTMENT_STAFF: "组织部工作人员",
    Role.LEADER: "领导",
    Role.DISPATCH_CHIEF: "调度长",
    Role.SECRETARY: "支部书记",
    Role.MEMBER: "党员",
    Role.UNIT_LIAISON: "责任单位联络员",
}
BRAND_ZH = "攻坚支部"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _zh(message) -> str:
    """``message`` (a source string or a lazy translation) as the zh-hans catalogue renders it."""
    with translation.override("zh-hans"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def _menu_labels(role) -> list[str]:
    """The Chinese labels of the menu entries this role gets whose pages exist in this build."""
    return [_zh(label) for label in menu_labels(frozenset({role}))]


def _watch_csp(page) -> list[str]:
    """Collect console messages about refused content: the CSP allows only 'self'."""
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return violations


def _require_catalogue():
    # Without the zh_Hans catalogue every assertion below would fail on English text; say why.
    assert CJK.search(_zh("Task-force branches")), (
        "locale/zh_Hans/LC_MESSAGES/django.mo does not translate the navigation: "
        "run `make messages`, translate, and commit the catalogue"
    )


def _log_in(page, base_url, username):
    page.goto(f"{base_url}{reverse('login')}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def _open_menu_on_phone(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        # Bootstrap animates the collapse; wait until it has settled open.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"^(?!.*collapsing).*\bshow\b"))


@pytest.fixture
def demo(transactional_db):
    """The six demo logins (branches.demo_accounts), each in its role group.

    Only the logins: this file proves the platform (login, navigation, language, layout), not
    the demo data. The groups are made here because the flush after an earlier transactional
    test empties what the role migration created.
    """
    for account in DEMO_ACCOUNTS:
        group, _ = Group.objects.get_or_create(name=account.role.value)
        user = User.objects.create_user(
            username=account.username, password=DEMO_PASSWORD, full_name=account.full_name
        )
        user.groups.add(group)


@pytest.mark.parametrize(
    ("username", "full_name", "role"),
    [(a.username, a.full_name, a.role) for a in DEMO_ACCOUNTS],
    ids=[a.username for a in DEMO_ACCOUNTS],
)
def test_each_demo_role_logs_in_and_sees_its_chinese_navigation(
    page, live_server, demo, screenshot, username, full_name, role
):
    _require_catalogue()
    violations = _watch_csp(page)
    page.set_viewport_size(DESKTOP)

    # Anonymous: the login page, in Chinese.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("main")).to_contain_text("密码")

    _log_in(page, live_server.url, username)

    brand = page.locator(".navbar-brand")
    expect(brand).to_contain_text(BRAND_ZH)
    # Exactly this role's entries (those whose pages exist in this build), in Chinese.
    expected = _menu_labels(role)
    for label in expected:
        assert CJK.search(label), f"menu entry {label!r} has no Chinese translation"
    # Top-level links, group toggles and the links inside the groups, in page order.
    links = page.get_by_test_id("nav").locator("a.nav-link, a.dropdown-item")
    assert [text.strip() for text in links.all_text_contents()] == expected

    user_menu = page.get_by_test_id("user-menu")
    expect(user_menu).to_contain_text(full_name)
    user_menu.click()
    expect(page.locator(".dropdown-menu.show")).to_contain_text(ROLE_ZH[role])
    logout = page.get_by_test_id("logout")
    expect(logout).to_be_visible()
    logout_zh = _zh("Log out")
    assert CJK.search(logout_zh)
    expect(logout).to_have_text(logout_zh)
    screenshot(page, "desktop", full_page=False)

    page.set_viewport_size(PHONE)
    page.reload()
    _open_menu_on_phone(page)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    screenshot(page, "phone-menu")
    page.get_by_test_id("user-menu").click()
    logout.click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(live_server.url + reverse("password_change"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    assert violations == []


def test_language_switch_changes_the_page_to_english_and_back(page, live_server, demo, screenshot):
    _require_catalogue()
    violations = _watch_csp(page)
    page.set_viewport_size(DESKTOP)
    _log_in(page, live_server.url, "shuji")
    html = page.locator("html")
    brand = page.locator(".navbar-brand")
    expect(brand).to_contain_text(BRAND_ZH)

    page.get_by_test_id("language-switch").locator("select").select_option("en")
    page.wait_for_load_state()

    expect(html).to_have_attribute("lang", "en")
    expect(brand).to_have_text("Task-force branches")
    expect(page.get_by_test_id("user-menu")).to_contain_text("张卫东")
    page.get_by_test_id("user-menu").click()
    expect(page.locator(".dropdown-menu.show")).to_contain_text("Branch secretary")
    expect(page.get_by_test_id("logout")).to_have_text("Log out")
    screenshot(page, "english", full_page=False)

    # The choice sticks across pages.
    page.goto(live_server.url + reverse("password_change"))
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Change password")

    page.get_by_test_id("language-switch").locator("select").select_option("zh-hans")
    page.wait_for_load_state()

    expect(html).to_have_attribute("lang", "zh-hans")
    expect(brand).to_contain_text(BRAND_ZH)
    change_password_zh = _zh("Change password")
    assert CJK.search(change_password_zh)
    expect(page.locator("main h1")).to_have_text(change_password_zh)
    assert violations == []


def test_login_page_at_phone_and_desktop_size(page, live_server, screenshot):
    violations = _watch_csp(page)
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.goto(live_server.url + reverse("login"))
        form = page.locator(".login-card")
        expect(form).to_be_visible()
        box = form.bounding_box()
        # The card fits the screen with a margin and nothing scrolls sideways.
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        screenshot(page, name)
    assert violations == []
