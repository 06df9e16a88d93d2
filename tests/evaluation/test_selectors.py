"""The lists cost the same number of queries whatever their length (pinned here), and show only
the user's jurisdiction."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from branches.models import Branch, BranchScope, BranchStatus, Gender, MembershipRole, Person
from evaluation import selectors
from evaluation.models import (
    Appraisal,
    AppraisalGrade,
    AppraisalStatus,
    Evaluation,
    EvaluationGrade,
    EvaluationStatus,
)
from tests.clock import clock_now, clock_today
from tests.utils import count_queries, get_query_count

from . import world as w

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def add_concluded(world, n: int, *, final=False):
    """``n`` more concluded branches in city A (in bulk: the lists only read them), each with a
    final Excellent evaluation and an Excellent appraisal when ``final``."""
    now = clock_now()
    branches = Branch.objects.bulk_create(
        Branch(
            name=f"批量支部{next(_seq)}", batch=1, front=world.branch.front, field=world.branch.field,
            scope=BranchScope.SINGLE_DOMAIN, supervising_committee=world.committee_a, lead_unit=world.committee_a,
            goal="x", status=BranchStatus.EVALUATED if final else BranchStatus.CONCLUDED,
            formed_on=w.days(-90), concluded_on=w.days(-5),
        )
        for _ in range(n)
    )
    if not final:
        return branches
    people = Person.objects.bulk_create(
        Person(name=f"批量党员{next(_seq)}", gender=Gender.MALE, work_unit=world.town_a, phone=f"13{next(_seq):09d}")
        for _ in branches
    )
    Evaluation.objects.bulk_create(
        Evaluation(branch=b, status=EvaluationStatus.FINAL, total=Decimal("93"), grade=EvaluationGrade.EXCELLENT,
                   finalized_at=now, secretary=p, rubric_name="x")
        for b, p in zip(branches, people, strict=True)
    )
    Appraisal.objects.bulk_create(
        Appraisal(branch=b, person=p, role=MembershipRole.SECRETARY, served_from=w.days(-90), status=AppraisalStatus.FINAL,
                  grade=AppraisalGrade.EXCELLENT, conclusion="成效显著，表现优秀。", finalized_at=now)
        for b, p in zip(branches, people, strict=True)
    )
    return branches


def test_evaluation_list_query_count_is_the_same_at_two_sizes(world, client_for):
    client = client_for(world.staff)
    url = reverse("evaluation:evaluation_list")
    add_concluded(world, 8)
    small = get_query_count(client, url)
    add_concluded(world, 60)
    add_concluded(world, 10, final=True)
    large = get_query_count(client, url)

    # (one more since an office user's holdings are read once a request — branches.selectors.
    # holds_any — and one fewer since the branch filter is a typeahead that reads no choices)
    assert small == large == 9, "a new query per page needs a reason; pin the new number here"


def test_evaluation_list_selector_is_one_query(world):
    add_concluded(world, 30)

    n, rows = count_queries(lambda: list(selectors.evaluation_list(user=world.staff)))

    assert n == 1 + 1 + 1  # the user's role groups, the office user's holdings, then the rows
    assert len(rows) == 32


def test_priority_list_query_count_is_the_same_at_two_sizes(world, client_for):
    client = client_for(world.staff)
    url = reverse("evaluation:priority_list")
    add_concluded(world, 3, final=True)
    small = get_query_count(client, url)
    add_concluded(world, 40, final=True)
    large = get_query_count(client, url)

    assert small == large == 9  # with the office user's holdings (holds_any)


def test_priority_export_query_count_is_the_same_at_two_sizes(world, client_for):
    client = client_for(world.staff)
    url = reverse("evaluation:priority_export")
    add_concluded(world, 3, final=True)
    small = get_query_count(client, url)
    add_concluded(world, 40, final=True)
    large = get_query_count(client, url)

    assert small == large


def test_appraisal_list_query_count_is_the_same_at_two_sizes(world, client_for):
    client = client_for(world.staff)
    url = reverse("evaluation:appraisal_list", args=[world.branch.pk])
    small = get_query_count(client, url)
    Appraisal.objects.bulk_create(
        Appraisal(branch=world.branch, person=w.person(unit=world.town_a), role=MembershipRole.MEMBER, served_from=w.days(-90))
        for _ in range(30)
    )
    large = get_query_count(client, url)

    assert small == large


def test_evaluation_page_query_count_does_not_grow_with_scorecards(world, client_for):
    from . import world as builders

    client = client_for(world.staff)
    url = reverse("evaluation:evaluation_detail", args=[world.evaluation.pk])
    builders.score_all(world.evaluation, by=world.staff, values=[20, 20, 10, 10, 10])
    small = get_query_count(client, url)
    for i in range(6):
        extra = builders.user(username=f"evaluator{i}", organization=world.city_a, role="department_staff")
        builders.score_all(world.evaluation, by=extra, values=[21, 20, 10, 10, 10])
    large = get_query_count(client, url)

    assert small == large


def test_the_lists_show_only_the_jurisdiction(world):
    names = {b.name for b in selectors.evaluation_list(user=world.staff)}
    assert names == {world.branch.name, world.other_branch.name}
    assert {b.name for b in selectors.evaluation_list(user=world.staff_b)} == {world.b_branch.name}
    assert list(selectors.evaluation_list(user=world.secretary)) == []


def test_evaluation_list_filters_by_state(world):
    def names(state):
        return {b.name for b in selectors.evaluation_list(user=world.staff, filters={"state": state})}

    assert names("awaiting") == {world.other_branch.name}
    assert names("in_progress") == {world.branch.name}
    assert names("final") == set()


def test_priority_list_holds_excellent_secretaries_and_members_with_evidence(world):
    from evaluation import services

    w.score_all(world.evaluation, by=world.staff, values=[29, 24, 14, 14, 14])  # 95
    services.evaluation_finalize(evaluation=world.evaluation, by=world.staff)
    a = world.appraisals
    w.complete_appraisal(a["李娟"], secretary=world.secretary, staff=world.staff, grade="excellent", conclusion="冲锋在前，表现优异。")
    w.complete_appraisal(a["王强"], secretary=world.secretary, staff=world.staff, grade="qualified")

    rows = selectors.priority_list(user=world.staff)

    assert [(r.person.name, r.is_secretary, r.is_excellent_member) for r in rows] == [
        ("张卫东", True, False), ("李娟", False, True),
    ]
    assert rows[0].evaluation.total == Decimal("95.00")
    assert rows[1].excerpt == "冲锋在前，表现优异。"
    assert selectors.priority_list(user=world.staff_b) == []
    assert [r.person.name for r in selectors.priority_list(user=world.staff, filters={"kind": "member"})] == ["李娟"]
    assert selectors.priority_list(user=world.staff, filters={"batch": 1}) == []  # the branch is in batch 2
    later = clock_today() + datetime.timedelta(days=1)
    assert selectors.priority_list(user=world.staff, filters={"date_from": later}) == []
