"""The Jingjiang demo (``manage.py seed_demo``): what it loads, that it loads it once, and that
each demo login is mapped onto the data the way the README promises.

Seeding takes a while, so the session seeds once inside an outer transaction that is rolled back
at the end (tests/demo_data.py); every test runs in its own savepoint inside it.
"""

import datetime
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from branches import demo as branches_demo
from branches.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, SHOWCASE_BRANCH
from branches.models import (
    Activity,
    ActivityKind,
    Branch,
    BranchKind,
    BranchScope,
    BranchStatus,
    BranchUserObjectPermission,
    ChainCategory,
    ChainMember,
    ChainNode,
    IndustrialChain,
    Light,
    Membership,
    MembershipRole,
    Organization,
    Person,
    User,
    WeakLink,
    WeakLinkKind,
    WorkField,
)
from branches.roles import Role
from branches.selectors import can_write_jurisdiction, visible_branches, visible_chains, visible_people
from projects import demo as projects_demo
from projects.models import (
    Indicator,
    IndicatorReading,
    Milestone,
    Project,
    ProjectStatus,
    ProjectUserObjectPermission,
)
from projects.selectors import visible_projects
from projects.services import project_light_figures
from tests.clock import clock_today

pytestmark = pytest.mark.django_db

# Every table the demo writes to (and their history tables), for the idempotency check.
COUNTED = [
    Organization, WorkField, User, Person, Branch, Membership, Activity, IndustrialChain, ChainNode, ChainMember,
    WeakLink, Project, Indicator, IndicatorReading, Milestone, BranchUserObjectPermission, ProjectUserObjectPermission,
]


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    for model in COUNTED:
        if hasattr(model, "history"):
            counts[f"history of {model.__name__}"] = model.history.count()
    counts["Activity participants"] = Activity.participants.through.objects.count()
    counts["user groups"] = User.groups.through.objects.count()
    return counts


@pytest.fixture
def demo(demo_full):
    """What ``manage.py seed_demo`` printed; the demo is seeded once per session (tests/demo_data.py)."""
    return demo_full


def city(key: str) -> Organization:
    return branches_demo.organizations_by_key()[key]


def city_branches(key="jj"):
    return Branch.objects.filter(supervising_committee__path__startswith=city(key).path)


def user(username) -> User:
    return User.objects.get(username=username)


# ---------------------------------------------------------------- idempotency
def test_seeding_again_adds_nothing(demo):
    before = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == before


def test_seeding_again_on_a_later_day_adds_nothing(demo):
    # Dates move with "today"; the natural keys do not, so a demo loaded last week stays one copy.
    before = _counts()
    later = clock_today() + datetime.timedelta(days=9)
    branches_demo.seed_demo(today=later)
    projects_demo.seed_demo(today=later)
    assert _counts() == before


def test_the_plan_is_the_same_every_run():
    today = clock_today()
    first, second = branches_demo.demo_plan(today), branches_demo.demo_plan(today)
    assert [(p.name, p.phone, p.unit) for p in first.people] == [(p.name, p.phone, p.unit) for p in second.people]
    a, b = projects_demo.demo_project_plans(today), projects_demo.demo_project_plans(today)
    assert {k: [(p.start_on, p.deadline, [i.readings for i in p.indicators]) for p in v] for k, v in a.items()} == {
        k: [(p.start_on, p.deadline, [i.readings for i in p.indicators]) for p in v] for k, v in b.items()
    }


# ---------------------------------------------------------------- the organization tree
def test_two_cities_under_the_province_with_the_articles_units(demo):
    jj, tx = city("jj"), city("tx")
    assert jj.parent == tx.parent and jj.parent.name == "江苏省"
    names = set(jj.subtree().values_list("name", flat=True))
    for expected in ["中共靖江市委", "中共靖江市委组织部", "靖江市行政审批局", "靖江市发展和改革委员会", "靖江市公安局",
                     "靖江市住房和城乡建设局", "靖江市自然资源和规划局", "靖江市交通运输局", "中共靖江市委宣传部",
                     "靖江市商务局", "靖江市工业和信息化局", "国网江苏省电力有限公司靖江市供电分公司", "孤山镇", "新桥镇",
                     "斜桥镇", "西来镇", "季市镇", "生祠镇", "马桥镇", "东兴镇", "城南园区", "靖城街道", "靖江经济技术开发区",
                     "中共靖江经济技术开发区工作委员会", "中南高科（靖江）产业园发展有限公司", "中国商飞靖江航空零部件项目公司",
                     "江苏新时代造船有限公司", "江苏新世纪造船有限公司"]:
        assert expected in names, expected
    kinds = set(jj.subtree().values_list("kind", flat=True))
    assert {"party_committee", "working_committee", "party_group", "department", "town", "development_zone",
            "enterprise", "research_institute", "social_organization"} <= kinds
    assert not tx.subtree().filter(pk__in=jj.subtree()).exists()


def test_work_fields_cover_the_three_fronts(demo):
    fronts = dict(WorkField.objects.values_list("name", "front"))
    assert fronts["城建交通"] == fronts["美丽靖江"] == fronts["乡村振兴"] == "key_work"
    assert fronts["项目招引"] == fronts["动迁"] == fronts["项目建设"] == "major_project"
    assert fronts["营商环境"] == fronts["开发园区改革"] == fronts["基层“三整合”改革"] == fronts["文明城市创建"] == (
        "important_reform"
    )


# ---------------------------------------------------------------- the 74 branches
def test_jingjiang_has_74_branches_in_two_batches(demo):
    branches = city_branches()
    assert branches.count() == 74
    assert Counter(branches.values_list("batch", flat=True)) == {1: 38, 2: 36}
    assert city_branches("tx").count() == 3
    today = clock_today()
    formed = [b.formed_on for b in branches if b.formed_on]
    assert min(formed) >= today - datetime.timedelta(days=366) and max(formed) < today
    assert {b.scope for b in branches} == {BranchScope.SINGLE_DOMAIN, BranchScope.CROSS_DOMAIN}
    assert branches.exclude(goal="").count() == 74
    assert len({b.field_id for b in branches}) >= 10


def test_statuses_most_active_some_concluded_with_members_proposed_and_one_dissolved(demo):
    statuses = Counter(city_branches().values_list("status", flat=True))
    assert statuses[BranchStatus.ACTIVE] >= 60
    assert statuses[BranchStatus.DISSOLVED] == 1
    assert 1 <= statuses[BranchStatus.PROPOSED] <= 2
    concluded = city_branches().filter(status__in=[BranchStatus.CONCLUDED, BranchStatus.EVALUATED])
    with_members = [b for b in concluded if b.memberships.filter(left_on__isnull=True).count() >= 4]
    assert len(with_members) >= 2
    assert all(b.concluded_on and b.concluded_on < clock_today() for b in concluded)
    assert not Project.objects.filter(branch__in=concluded).exclude(status=ProjectStatus.COMPLETED).exists()
    dissolved = city_branches().get(status=BranchStatus.DISSOLVED)
    assert not dissolved.memberships.filter(left_on__isnull=True).exists()
    assert dissolved.history.filter(status=BranchStatus.DISSOLVED).exclude(history_change_reason="").exists()


@pytest.mark.parametrize(
    "name, lead, responsible",
    [
        ("放管服改革攻坚支部", "靖江市行政审批局", {"靖江市发展和改革委员会", "靖江市公安局", "靖江市住房和城乡建设局", "靖江市自然资源和规划局"}),
        ("中南高科靖江项目服务攻坚支部", "靖江经济技术开发区", {"中南高科（靖江）产业园发展有限公司"}),
        ("文明城市创建攻坚支部", "中共靖江市委宣传部", {"靖江市公安局"}),
        ("澄靖第二过江通道征迁攻坚支部", "靖江市交通运输局", {"国网江苏省电力有限公司靖江市供电分公司", "斜桥镇", "江苏澄靖过江通道建设有限公司"}),
        ("孤山镇现代化循环产业链项目建设攻坚支部", "孤山镇", set()),
        ("经济技术开发区“三比一提升”攻坚支部", "靖江经济技术开发区", {"中国商飞靖江航空零部件项目公司"}),
    ],
)
def test_the_articles_branches_exist_with_their_lead_units(demo, name, lead, responsible):
    branch = city_branches().get(name=name)
    assert branch.lead_unit.name == lead
    assert responsible <= set(branch.responsible_units.values_list("name", flat=True))
    assert branch.memberships.filter(role=MembershipRole.SECRETARY, left_on__isnull=True).count() == 1


def test_the_articles_stories(demo):
    # The evaluation demo (seeded after ours) may have evaluated a concluded branch.
    ended = {BranchStatus.CONCLUDED, BranchStatus.EVALUATED}
    assert city_branches().get(name="文明城市创建攻坚支部").status in ended
    assert city_branches().get(name="孤山镇现代化循环产业链项目建设攻坚支部").status in ended
    three = city_branches().get(name="经济技术开发区“三比一提升”攻坚支部")
    assert three.activities.filter(kind=ActivityKind.COMMANDO).exists()
    assert three.projects.filter(name__contains="商飞").exists()
    zhongnan = city_branches().get(name="中南高科靖江项目服务攻坚支部")
    assert Indicator.objects.filter(project__branch=zhongnan, target=19).exists()


def test_the_225_households_indicator_has_a_rising_history(demo):
    indicator = Indicator.objects.get(project__branch__name=SHOWCASE_BRANCH, name="搬迁户数")
    assert (indicator.target, indicator.unit) == (Decimal(225), "户")
    project = indicator.project
    assert (project.deadline - project.start_on).days == 28
    values = list(indicator.readings.order_by("recorded_on").values_list("value", flat=True))
    assert len(values) >= 8 and values == sorted(values)
    assert indicator.current_value == values[-1] < 225
    # Every reading went through the service: the indicator's history shows each step.
    assert indicator.history.count() >= len(values)


# ---------------------------------------------------------------- people
def test_a_few_hundred_realistic_people(demo):
    people = Person.objects.filter(work_unit__path__startswith=city("jj").path)
    assert 300 <= people.count() <= 900
    assert {g for g in people.values_list("gender", flat=True)} == {"male", "female"}
    assert people.filter(is_probationary=True).exists()
    assert not people.filter(birth_date__isnull=True).exists()
    assert not people.filter(joined_party_on__isnull=True).exists()
    assert not people.filter(joined_party_on__lte=F("birth_date")).exists()
    serving = Counter(Membership.objects.filter(left_on__isnull=True).values_list("person", flat=True))
    assert any(n == 2 for n in serving.values()), "some people serve in two branches"
    assert max(serving.values()) <= 2


def test_every_staffed_branch_has_a_secretary_deputy_members_and_liaisons(demo):
    for branch in city_branches().exclude(status=BranchStatus.DISSOLVED).prefetch_related("memberships"):
        roles = Counter(m.role for m in branch.memberships.all() if m.left_on is None)
        if branch.name == branches_demo.BARE_PROPOSAL:
            assert not roles
            continue
        assert roles[MembershipRole.SECRETARY] == 1, branch.name
        if branch.status == BranchStatus.PROPOSED:
            continue
        assert roles[MembershipRole.DEPUTY_SECRETARY] == 1
        assert roles[MembershipRole.MEMBER] >= 2
        if branch.scope == BranchScope.CROSS_DOMAIN:
            assert roles[MembershipRole.LIAISON] >= 1, branch.name


# ---------------------------------------------------------------- projects and lights
def test_every_active_branch_has_projects_with_a_dispatch_chief(demo):
    for branch in city_branches().filter(status=BranchStatus.ACTIVE):
        projects = list(branch.projects.all())
        assert 1 <= len(projects) <= 3, branch.name
        assert all(p.dispatch_chief_id for p in projects)
        assert all(p.status == ProjectStatus.IN_PROGRESS for p in projects)
        assert Indicator.objects.filter(project__in=projects).exists()
        assert Milestone.objects.filter(project__in=projects).exists()


def test_stored_lights_are_what_the_rule_computes_today(demo):
    for project in Project.objects.exclude(status__in=[ProjectStatus.COMPLETED, ProjectStatus.CANCELLED]):
        assert project.light == project_light_figures(project).light, project.name


def test_lights_mix_green_yellow_and_red(demo):
    lights = Counter(city_branches().values_list("light", flat=True))
    assert set(lights) == {Light.GREEN, Light.YELLOW, Light.RED}
    assert 0.5 <= lights[Light.GREEN] / 74 <= 0.7
    assert 0.15 <= lights[Light.YELLOW] / 74 <= 0.35
    assert 0.08 <= lights[Light.RED] / 74 <= 0.22
    # Some milestones are overdue, some done; readings are backdated over past weeks.
    today = clock_today()
    assert Milestone.objects.filter(done_on__isnull=True, due_on__lt=today).exists()
    assert Milestone.objects.filter(done_on__isnull=False).exists()
    assert IndicatorReading.objects.filter(recorded_on__lt=today - datetime.timedelta(days=28)).exists()


def test_party_life_activities_of_every_kind_with_participants(demo):
    activities = Activity.objects.filter(branch__in=city_branches())
    kinds = set(activities.values_list("kind", flat=True))
    assert {ActivityKind.THREE_SHOWS, ActivityKind.FOUR_COMPETITIONS, ActivityKind.DOUBLE_STUDY,
            ActivityKind.MICRO_SERVICE, ActivityKind.COMMANDO} <= kinds
    assert not activities.filter(participants__isnull=True).exists()
    assert not activities.filter(held_on__gt=clock_today()).exists()


# ---------------------------------------------------------------- industrial chains
def test_eight_industrial_chains_with_nodes_members_and_weak_links(demo):
    chains = IndustrialChain.objects.filter(organization__path__startswith=city("jj").path)
    assert Counter(chains.values_list("category", flat=True)) == {ChainCategory.LEADING: 4, ChainCategory.EMERGING: 4}
    assert {"船舶制造", "汽车及汽车零部件", "电机电器", "工程机械", "航空航天装备", "新材料", "新一代信息技术", "大健康"} == set(
        chains.values_list("name", flat=True)
    )
    for chain in chains:
        positions = list(chain.nodes.values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1)) and len(positions) >= 4
        stages = list(chain.nodes.order_by("position").values_list("stage", flat=True))
        assert stages[0] == "upstream" and stages[-1] == "downstream"
    member_kinds = set(ChainMember.objects.filter(chain__in=chains).values_list("organization__kind", flat=True))
    assert {"enterprise", "research_institute", "social_organization", "department"} <= member_kinds
    weak = set(WeakLink.objects.filter(chain__in=chains).values_list("kind", flat=True))
    assert {WeakLinkKind.SUPPLY_BREAK, WeakLinkKind.DEMAND_BREAK, WeakLinkKind.LABOUR, WeakLinkKind.RAW_MATERIAL,
            WeakLinkKind.LOGISTICS} <= weak
    chain_branches = city_branches().filter(kind=BranchKind.INDUSTRIAL_CHAIN)
    assert chain_branches.count() >= 2 and not chain_branches.filter(chain__isnull=True).exists()


# ---------------------------------------------------------------- the demo accounts
def test_the_command_prints_every_account_with_its_chinese_role(demo):
    assert DEMO_PASSWORD in demo
    for account, role in zip(DEMO_ACCOUNTS, ["组织部工作人员", "领导", "调度长", "支部书记", "党员", "责任单位联络员"], strict=True):
        line = next(line for line in demo.splitlines() if line.strip().startswith(account.username + " "))
        assert role in line and account.full_name in line


@pytest.mark.parametrize("username", [a.username for a in DEMO_ACCOUNTS])
def test_every_demo_account_logs_in_and_lands_on_a_page(demo, client, username):
    account = user(username)
    assert account.check_password(DEMO_PASSWORD)
    assert account.person is not None
    client.force_login(account)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and "/accounts/login/" not in response.redirect_chain[-1][0]
    assert response.context["user"] == account


@pytest.mark.parametrize(("username", "lands_on"), [("xitong", "/admin/"), ("anquan", "/admin/"), ("shenji", "/branches/audit/")])
def test_the_three_administrators_log_in_to_their_own_work(demo, client, username, lands_on):
    account = user(username)
    assert account.check_password(DEMO_PASSWORD)
    assert username in demo
    client.force_login(account)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == lands_on
    assert client.get(reverse("branches:person_list")).status_code == 404


def test_office_accounts_see_the_whole_city_and_nothing_of_the_other(demo):
    for username in ("zuzhibu", "lingdao"):
        account = user(username)
        assert account.organization == city("jj")
        visible = visible_branches(account)
        assert visible.filter(pk__in=city_branches()).count() == 74
        assert not visible.filter(pk__in=city_branches("tx")).exists()
        assert visible_chains(account).count() == 8
        assert visible_people(account).count() >= 300
    assert can_write_jurisdiction(user("zuzhibu")) and not can_write_jurisdiction(user("lingdao"))
    other = user("taixing")
    assert set(visible_branches(other)) == set(city_branches("tx"))


def test_the_secretary_sees_exactly_their_branch(demo, client):
    shuji = user("shuji")
    branch = Branch.objects.get(name=SHOWCASE_BRANCH)
    assert list(visible_branches(shuji)) == [branch]
    assert branch.memberships.get(role=MembershipRole.SECRETARY, left_on__isnull=True).person.user == shuji
    assert shuji.has_perm("branches.change_branch", branch)
    assert Group.objects.get(name=Role.SECRETARY) in shuji.groups.all()
    client.force_login(shuji)
    assert client.get(reverse("branches:branch_detail", args=[branch.pk])).status_code == 200
    other = city_branches().exclude(pk=branch.pk).first()
    assert client.get(reverse("branches:branch_detail", args=[other.pk])).status_code == 404


def test_the_member_and_the_liaison_serve_in_the_showcase_branch(demo):
    branch = Branch.objects.get(name=SHOWCASE_BRANCH)
    dangyuan, liaison = user("dangyuan"), user("lianluoyuan")
    assert list(visible_branches(dangyuan)) == [branch]
    assert branch.memberships.get(person__user=dangyuan, left_on__isnull=True).role == MembershipRole.MEMBER
    membership = branch.memberships.get(person__user=liaison, left_on__isnull=True)
    assert membership.role == MembershipRole.LIAISON
    assert liaison.organization.short_name == "市供电公司" == liaison.person.work_unit.short_name
    assert liaison.organization in branch.responsible_units.all()
    assert Group.objects.get(name=Role.UNIT_LIAISON) in liaison.groups.all()
    # The showcase branch is the richest one.
    assert branch.memberships.count() == max(b.memberships.count() for b in city_branches())


def test_the_dispatch_chief_sees_their_projects_including_the_relocation(demo, client):
    chief = user("diaoduzhang")
    mine = Project.objects.filter(dispatch_chief=chief)
    assert mine.count() >= 3
    assert mine.filter(name="澄靖第二过江通道靖江段房屋征迁").exists()
    visible = visible_projects(chief)
    assert set(mine) <= set(visible)
    assert not visible.filter(branch__in=city_branches("tx")).exists()
    assert not visible.exclude(branch__supervising_committee__name="中共靖江市交通运输局委员会").exists()
    relocation = mine.get(name="澄靖第二过江通道靖江段房屋征迁")
    client.force_login(chief)
    response = client.get(reverse("projects:project_detail", args=[relocation.pk]))
    assert response.status_code == 200
    assert "搬迁户数" in response.content.decode()
    # Every committee's 调度长 holds the grants of their projects.
    for project in Project.objects.select_related("dispatch_chief", "branch"):
        assert project.dispatch_chief.has_perm("projects.view_project", project)
        assert project.dispatch_chief.has_perm("branches.view_branch", project.branch)
