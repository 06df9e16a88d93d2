"""Invariants the database keeps, whatever code path writes."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from branches.models import BranchKind, Membership, MembershipRole, Organization, OrganizationKind, Person
from tests.clock import clock_today

from . import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


def _membership(branch, person, role=MembershipRole.MEMBER, joined_on=TODAY, left_on=None):
    return Membership.objects.create(branch=branch, person=person, role=role, joined_on=joined_on, left_on=left_on)


def _violates(constraint_name, create):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        create()
    assert constraint_name in str(exc.value)


def test_a_branch_has_at_most_one_active_secretary(org_tree):
    branch = f.branch(committee=org_tree["committee_a"])
    first, second = f.person(unit=org_tree["town_a"]), f.person(unit=org_tree["town_a"])
    _membership(branch, first, MembershipRole.SECRETARY)

    _violates("membership_one_active_secretary", lambda: _membership(branch, second, MembershipRole.SECRETARY))


def test_a_former_secretary_does_not_block_a_new_one(org_tree):
    branch = f.branch(committee=org_tree["committee_a"])
    first, second = f.person(unit=org_tree["town_a"]), f.person(unit=org_tree["town_a"])
    _membership(branch, first, MembershipRole.SECRETARY, left_on=TODAY)

    _membership(branch, second, MembershipRole.SECRETARY)

    assert branch.memberships.filter(role=MembershipRole.SECRETARY, left_on__isnull=True).get().person == second


def test_a_person_has_one_active_membership_per_branch(org_tree):
    branch = f.branch(committee=org_tree["committee_a"])
    person = f.person(unit=org_tree["town_a"])
    _membership(branch, person)

    _violates("membership_one_active_per_person", lambda: _membership(branch, person, MembershipRole.LIAISON))


def test_a_person_may_serve_in_several_branches_and_keeps_their_home_unit(org_tree):
    person = f.person(unit=org_tree["town_a"])
    for branch in (f.branch(committee=org_tree["committee_a"]), f.branch(committee=org_tree["committee_a"])):
        _membership(branch, person)

    person.refresh_from_db()
    assert person.memberships.filter(left_on__isnull=True).count() == 2
    assert person.work_unit == org_tree["town_a"]


def test_leaving_cannot_come_before_joining(org_tree):
    branch = f.branch(committee=org_tree["committee_a"])
    person = f.person(unit=org_tree["town_a"])

    _violates(
        "membership_left_after_joined",
        lambda: _membership(branch, person, joined_on=TODAY, left_on=TODAY - datetime.timedelta(days=1)),
    )


def test_a_chain_organization_needs_its_chain_and_a_task_force_branch_has_none(org_tree):
    chain = f.chain(organization=org_tree["city_a"])

    _violates(
        "branch_chain_iff_chain_kind",
        lambda: f.branch(committee=org_tree["committee_a"], kind=BranchKind.INDUSTRIAL_CHAIN),
    )
    _violates(
        "branch_chain_iff_chain_kind",
        lambda: f.branch(committee=org_tree["committee_a"], kind=BranchKind.TASK_FORCE, chain=chain),
    )
    joint = f.branch(committee=org_tree["committee_a"], kind=BranchKind.INDUSTRIAL_CHAIN, chain=chain)
    assert joint.chain == chain


def test_the_planned_end_cannot_come_before_formation(org_tree):
    _violates(
        "branch_end_after_formation",
        lambda: f.branch(
            committee=org_tree["committee_a"], formed_on=TODAY, planned_end_on=TODAY - datetime.timedelta(days=1)
        ),
    )
    ok = f.branch(committee=org_tree["committee_a"], formed_on=TODAY, planned_end_on=TODAY)
    assert ok.pk


def test_branch_names_are_unique_under_a_committee(org_tree):
    f.branch(committee=org_tree["committee_a"], name="文明城市创建攻坚支部")

    _violates(
        "branch_unique_name_per_committee",
        lambda: f.branch(committee=org_tree["committee_a"], name="文明城市创建攻坚支部"),
    )
    # The same name under another committee is another branch.
    assert f.branch(committee=org_tree["committee_b"], name="文明城市创建攻坚支部").pk


def test_a_person_is_registered_once_per_unit(org_tree):
    f.person(unit=org_tree["town_a"], name="周涛", phone="13900001111")

    _violates(
        "person_unique_name_phone_per_unit",
        lambda: Person.objects.create(name="周涛", gender="male", work_unit=org_tree["town_a"], phone="13900001111"),
    )


def test_the_tree_path_gives_each_city_its_own_subtree(org_tree):
    city_a = org_tree["city_a"]
    subtree = set(city_a.subtree().values_list("name", flat=True))

    assert {"靖江市", "市交通运输局党委", "市行政审批局", "孤山镇"} == subtree
    assert "泰兴市" not in subtree


def test_moving_a_node_moves_its_subtree(org_tree):
    town = org_tree["town_a"]
    village = Organization.objects.create(name="孤山村", kind=OrganizationKind.TOWN, parent=town)

    town.parent = org_tree["city_b"]
    town.save()

    village.refresh_from_db()
    assert village.path.startswith(org_tree["city_b"].path)
    assert not village.path.startswith(org_tree["city_a"].path)


# ---------------------------------------------------------------- the status sets (issue 9)
def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(15), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_active_ended_and_not_ended_are_the_one_reading_of_the_status(org_tree):
    from branches.models import Branch, BranchStatus

    made = {s: f.branch(committee=org_tree["committee_a"], status=s) for s in BranchStatus.values}

    def names(qs):
        return {b.status for b in qs.filter(pk__in=[b.pk for b in made.values()])}

    assert names(Branch.objects.active()) == {"active"}
    assert names(Branch.objects.ended()) == {"concluded", "evaluated", "dissolved"}
    assert names(Branch.objects.not_ended()) == {"proposed", "active"}


def test_a_branch_is_at_work_from_its_formation_to_the_day_before_it_ends(org_tree):
    from branches.models import Branch, BranchStatus

    formed, ended = datetime.date(2026, 3, 2), datetime.date(2026, 6, 10)
    concluded = f.branch(
        committee=org_tree["committee_a"], status=BranchStatus.CONCLUDED, formed_on=formed, concluded_on=ended
    )
    evaluated = f.branch(
        committee=org_tree["committee_a"], status=BranchStatus.EVALUATED, formed_on=formed, concluded_on=ended
    )
    dissolved = f.branch(
        committee=org_tree["committee_a"], status=BranchStatus.DISSOLVED, formed_on=formed, status_changed_at=_at(ended)
    )
    active = f.branch(committee=org_tree["committee_a"], status=BranchStatus.ACTIVE, formed_on=formed)
    never = f.branch(committee=org_tree["committee_a"], status=BranchStatus.DISSOLVED, status_changed_at=_at(ended))
    ours = Branch.objects.filter(pk__in=[concluded.pk, evaluated.pk, dissolved.pk, active.pk, never.pk])

    def at_work(day):
        return set(ours.active_on(day).values_list("pk", flat=True))

    assert at_work(formed - datetime.timedelta(days=1)) == set()
    assert at_work(formed) == {concluded.pk, evaluated.pk, dissolved.pk, active.pk}
    assert at_work(ended - datetime.timedelta(days=1)) == {concluded.pk, evaluated.pk, dissolved.pk, active.pk}
    assert at_work(ended) == {active.pk}  # the day it ended it is no longer at work
    # From today on, "at work" is "active now".
    assert at_work(clock_today()) == set(ours.active().values_list("pk", flat=True)) == {active.pk}
