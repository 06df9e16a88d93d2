"""Reads: who sees what (jurisdiction and grants), what a list row carries, and the history
timeline — with their query counts pinned."""

import datetime

import pytest

from branches import selectors, services
from branches.models import (
    Branch,
    BranchScope,
    BranchStatus,
    ChainMember,
    Gender,
    Membership,
    MembershipRole,
    Person,
    WeakLinkKind,
)
from tests.utils import count_queries

from . import factories as f

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(b.name for b in qs)


def test_each_role_sees_exactly_its_branches(world):
    a, a2, b = world.branch_a.name, world.branch_a2.name, world.branch_b.name

    assert names(selectors.visible_branches(world.staff_a)) == sorted([a, a2])
    assert names(selectors.visible_branches(world.leader_a)) == sorted([a, a2])
    assert names(selectors.visible_branches(world.staff_b)) == [b]
    assert names(selectors.visible_branches(world.secretary_a)) == [a]
    assert names(selectors.visible_branches(world.member_a)) == [a]
    assert names(selectors.visible_branches(world.liaison_a)) == []
    assert names(selectors.visible_branches(world.stranger)) == []


def test_staff_of_a_town_see_only_their_subtree(world, make_user):
    town_staff = make_user(role="department_staff", organization=world.o["town_a"])
    town_branch = f.branch(committee=world.o["town_a"], name="孤山镇循环产业链项目攻坚支部")

    assert names(selectors.visible_branches(town_staff)) == [town_branch.name]
    assert town_branch in selectors.visible_branches(world.staff_a)


def test_only_staff_write_and_secretaries_edit_only_their_own(world):
    assert names(selectors.editable_branches(world.staff_a)) == sorted([world.branch_a.name, world.branch_a2.name])
    assert names(selectors.editable_branches(world.secretary_a)) == [world.branch_a.name]
    assert list(selectors.editable_branches(world.leader_a)) == []
    assert list(selectors.managed_branches(world.secretary_a)) == []
    assert not selectors.can_write_jurisdiction(world.leader_a)


def test_people_and_chains_stay_in_their_city(world):
    chain_a = f.chain(organization=world.o["city_a"])
    f.chain(organization=world.o["city_b"])

    people_a = set(selectors.visible_people(world.staff_a).values_list("name", flat=True))
    assert {"张卫东", "赵敏", "李娟"} == people_a
    assert list(selectors.visible_people(world.staff_b)) == [world.person_b]
    assert list(selectors.visible_people(world.secretary_a)) == []
    assert list(selectors.visible_chains(world.staff_a)) == [chain_a]


def test_branch_list_rows_carry_secretary_and_project_count(world):
    f.project(branch=world.branch_a)
    f.project(branch=world.branch_a)

    rows = {b.name: b for b in selectors.branch_list(user=world.staff_a)}

    assert rows[world.branch_a.name].secretary_name == "张卫东"
    assert rows[world.branch_a.name].project_count == 2
    assert rows[world.branch_a2.name].secretary_name == "赵敏"
    assert rows[world.branch_a2.name].project_count == 0


def test_branch_list_filters_and_search(world):
    Branch.objects.filter(pk=world.branch_a2.pk).update(batch=2, light="red", scope=BranchScope.SINGLE_DOMAIN)

    def listed(**kwargs):
        return names(selectors.branch_list(user=world.staff_a, **kwargs))

    assert listed(filters={"batch": 2}) == [world.branch_a2.name]
    assert listed(filters={"light": "red"}) == [world.branch_a2.name]
    assert listed(filters={"scope": BranchScope.CROSS_DOMAIN}) == [world.branch_a.name]
    assert listed(filters={"lead_unit": world.o["town_a"].pk}) == [world.branch_a.name]
    assert listed(filters={"status": BranchStatus.ACTIVE}) == []
    assert listed(search="放管服") == [world.branch_a2.name]
    assert listed(search="孤山") == [world.branch_a.name]  # the lead unit's name
    # Filters never widen the jurisdiction.
    assert names(selectors.branch_list(user=world.staff_b, search="支部")) == [world.branch_b.name]


def make_branches(committee, n, *, start=0):
    """``n`` branches, each with a secretary and a member (bulk, so 200 are quick)."""
    field = f.work_field()
    branches = Branch.objects.bulk_create(
        [
            Branch(
                name=f"批量攻坚支部{start + i:04d}",
                front=field.front,
                field=field,
                scope=BranchScope.CROSS_DOMAIN,
                supervising_committee=committee,
                lead_unit=committee,
                goal="按期完成",
            )
            for i in range(n)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(name=f"书记{start + i:04d}", gender=Gender.MALE, work_unit=committee, phone=f"1{start + i:010d}")
            for i in range(n)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(branch=b, person=p, role=MembershipRole.SECRETARY, joined_on=datetime.date(2026, 1, 1))
            for b, p in zip(branches, people, strict=True)
        ]
    )
    return branches


def test_branch_list_costs_one_query_whatever_the_size(world):
    def run():
        return [(b.name, b.secretary_name, b.project_count, b.field.name, b.lead_unit.name) for b in
                selectors.branch_list(user=world.staff_a)]

    make_branches(world.o["committee_a"], 10)
    run()  # the user's roles and jurisdiction are read once and cached on the user
    few, rows = count_queries(run)
    make_branches(world.o["committee_a"], 190, start=10)
    many, rows_many = count_queries(run)

    assert len(rows_many) == len(rows) + 190
    # Each row's secretary and project count are annotations: adding a per-row query here
    # would make "many" grow with the rows. Justify any change to this number.
    assert few == many == 1


def test_person_list_is_scoped_filtered_and_counts_active_branches(world):
    rows = {p.name: p for p in selectors.person_list(user=world.staff_a)}
    assert rows["李娟"].active_branch_count == 1
    assert "孙强" not in rows

    town = selectors.person_list(user=world.staff_a, filters={"work_unit": world.o["town_a"].pk})
    assert [p.name for p in town] == ["李娟"]
    assert [p.name for p in selectors.person_list(user=world.staff_a, search="赵")] == ["赵敏"]
    serving = {p.name for p in selectors.person_list(user=world.staff_a, filters={"serving": "yes"})}
    assert serving == {"张卫东", "赵敏", "李娟"}
    f.person(unit=world.o["town_a"], name="钱多")
    idle = [p.name for p in selectors.person_list(user=world.staff_a, filters={"serving": "no"})]
    assert idle == ["钱多"]


def test_my_memberships_are_the_logins_own(world):
    assert [m.branch for m in selectors.my_memberships(world.member_a)] == [world.branch_a]
    assert list(selectors.my_memberships(world.staff_a)) == []


def test_chain_detail_orders_nodes_upstream_to_downstream_with_mixed_members(world):
    chain = f.chain(organization=world.o["city_a"], nodes=("钢材", "船体", "配套", "船东"))
    nodes = list(chain.nodes.order_by("position"))
    ChainMember.objects.create(chain=chain, organization=world.o["department_a"], node=nodes[1], role="服务部门")
    ChainMember.objects.create(chain=chain, organization=world.o["town_a"], node=nodes[0])
    services.weak_link_create(chain=chain, node=nodes[0], by=world.staff_a, kind=WeakLinkKind.RAW_MATERIAL, title="钢材涨价")

    count, loaded = count_queries(selectors.chain_detail, user=world.staff_a, pk=chain.pk)
    assert [n.name for n in loaded.nodes.all()] == ["钢材", "船体", "配套", "船东"]
    assert [w.title for w in loaded.nodes.all()[0].weak_links.all()] == ["钢材涨价"]
    assert {m.organization.kind for m in loaded.members.all()} == {"department", "town"}
    listed = selectors.chain_list(user=world.staff_a).get(pk=chain.pk)
    assert (listed.node_count, listed.member_count, listed.open_weak_link_count) == (4, 2, 1)
    assert count <= 7


def test_history_says_who_changed_what_newest_first(world):
    f.project(branch=world.branch_a)
    services.branch_update(branch=world.branch_a, by=world.staff_a, goal="28天完成225户搬迁")
    services.branch_transition(branch=world.branch_a, to=BranchStatus.ACTIVE, by=world.staff_a)
    services.membership_end(membership=world.member_a_membership, by=world.staff_a)

    entries = selectors.branch_history(world.branch_a)

    newest = entries[0]
    assert newest.who == "陈明" and "李娟" in newest.subject
    assert [c.field for c in newest.changes] == ["left on"]
    activation = next(e for e in entries if any(c.new == "Active" for c in e.changes))
    assert activation.who == "陈明"
    goal_change = next(e for e in entries if any(c.field == "goal" for c in e.changes))
    assert goal_change.changes[0].new == "28天完成225户搬迁"
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    appointed = [e for e in entries if e.action == "created" and "张卫东" in e.subject]
    assert appointed and "Secretary" in appointed[0].subject


def test_history_costs_one_query_per_table_not_per_row(world):
    for i in range(3):
        services.branch_update(branch=world.branch_a, by=world.staff_a, goal=f"目标{i}")
    few, entries_few = count_queries(selectors.branch_history, world.branch_a)
    for i in range(20):
        services.branch_update(branch=world.branch_a, by=world.staff_a, goal=f"新目标{i}")
        f.appoint(branch=world.branch_a, person=f.person(unit=world.o["town_a"]), by=world.staff_a)
    many, entries_many = count_queries(selectors.branch_history, world.branch_a)

    assert len(entries_many) > len(entries_few) + 30
    assert few == many == 3
