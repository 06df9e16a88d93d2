"""A typeahead picker in a real browser: department staff type part of a name, the endpoint
answers, they choose a result and the form posts its id (screenshots under tests/artifacts/)."""

import pytest
from playwright.sync_api import expect

from branches.models import Gender, Membership, MembershipRole, Person
from branches.roles import Role
from tests.conftest import PHONE
from tests.e2e.pickers import pick
from tests.mechanisms.problems_world import ensure_seed_data
from tests.projects.factories import make_branch

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-1"


@pytest.fixture
def world(transactional_db, org_tree, make_user):
    ensure_seed_data()  # the role groups a reused test database may have lost
    t = org_tree
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_a"], username="zuzhibu", full_name="陈明")
    branch = make_branch(committee=t["committee_a"], by=staff, name="澄靖第二过江通道征迁攻坚支部")
    Person.objects.bulk_create(
        Person(name=f"王{i:02d}号", gender=Gender.MALE, work_unit=t["town_a"]) for i in range(60)
    )
    wanted = Person.objects.create(name="周新民", gender=Gender.MALE, work_unit=t["department_a"])
    outsider = Person.objects.create(name="周新华", gender=Gender.MALE, work_unit=t["committee_b"])
    return {"staff": staff, "branch": branch, "wanted": wanted, "outsider": outsider}


def test_staff_type_a_name_and_choose_the_member(page, live_server, world, screenshot):
    errors = []
    # Failed loads are checked by URL (the browser's own /favicon.ico probe is not ours).
    page.on(
        "console",
        lambda msg: errors.append(msg.text)
        if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None,
    )
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size(PHONE)
    base = live_server.url
    page.goto(f"{base}/accounts/login/?next=/branches/{world['branch'].pk}/members/add/")
    page.fill("#id_username", "zuzhibu")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/branches/{world['branch'].pk}/members/add/")

    # The page holds no registry: only the empty choice.
    assert page.locator("#id_person option").count() == 1

    screenshot(page, "loaded", full_page=False)
    page.locator("#id_person + .ts-wrapper .ts-control").click()
    control = page.locator("#id_person-ts-control")
    control.fill("王")
    dropdown = page.locator("#id_person-ts-dropdown")
    expect(dropdown.locator(".option").first).to_be_visible()
    assert dropdown.locator(".option").count() == 20  # one page of 60
    more = page.locator("#id_person + .ts-wrapper .picker-more")
    expect(more).to_be_visible()
    expect(more).to_contain_text("继续输入以缩小范围")
    control.fill("周新")
    expect(dropdown.locator(".option")).to_have_count(1)  # the other city's 周新华 is not offered
    expect(more).to_be_hidden()
    expect(dropdown).to_contain_text("周新民 · 市行政审批局")
    screenshot(page, "typed", full_page=False)
    control.fill("没有这个人")
    expect(dropdown).to_contain_text("无结果")

    pick(page, "id_person", "周新", choose="周新民")
    assert page.input_value("#id_person") == str(world["wanted"].pk)
    # Tom Select's own button titles are English ("Clear All"): the page gives its own.
    assert page.get_attribute("#id_person + .ts-wrapper .clear-button", "title") == "清除"
    page.select_option("#id_role", MembershipRole.MEMBER)
    screenshot(page, "chosen", full_page=False)
    # The focused picker keeps its height: the button stays where the click lands.
    with page.expect_navigation():
        page.click('[data-testid="membership-form"] button[type=submit]')
    assert Membership.objects.filter(branch=world["branch"], person=world["wanted"]).exists()
    assert errors == []
