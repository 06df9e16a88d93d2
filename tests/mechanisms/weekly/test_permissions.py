"""Who may open and do what on the weekly-report pages and the secretary's home: anonymous →
login, wrong role → 404, another branch → 404, another city → 404, the holder → 200 (or the
redirect of a done action), leaders read but never write."""

import pytest
from django.test import Client
from django.urls import reverse

from mechanisms.models import WeeklyReport, WeeklyReportStatus
from mechanisms.weekly.rules import current_week
from mechanisms.weekly.services import WeeklyContent, weekly_report_create
from tests.mechanisms.requests_world import build_world
from tests.shared_world import shared_world
from tests.utils import assert_status_matrix

w_once, w = shared_world(build_world, name="w")  # built once per module: tests/shared_world.py


def report_of(w, *, submit=False, **fields):
    fields.setdefault("work_done", "完成入户评估")
    return weekly_report_create(
        branch=w.branch, by=w.secretary, week=current_week(), content=WeeklyContent(**fields), submit=submit
    )


def outsiders(w) -> dict:
    """Everyone who must not reach the branch's records: a 404 each."""
    return {w.member: 404, w.liaison: 404, w.other_secretary: 404, w.staff_b: 404, w.b_secretary: 404}


def test_secretary_home(w):
    url = reverse("mechanisms:secretary_home")
    assert_status_matrix(
        Client, url, {None: 302, w.member: 404, w.liaison: 404, w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 200}
    )


@pytest.mark.parametrize("name", ["weeklyreport_list", "weeklyreport_export", "weeklyreport_missing", "weeklyreport_missing_export"])
def test_lists_are_for_office_secretaries_and_chiefs(w, name):
    url = reverse(f"mechanisms:{name}")
    assert_status_matrix(
        Client, url,
        {None: 302, w.member: 404, w.liaison: 404, w.staff: 200, w.leader: 200, w.staff_b: 200, w.secretary: 200,
         w.chief: 200},
    )


def test_lists_show_nothing_of_another_city(w, client):
    report_of(w, submit=True)
    client.force_login(w.staff_b)
    html = client.get(reverse("mechanisms:weeklyreport_list")).content.decode()
    assert 'data-testid="weekly-row"' not in html and w.branch.name not in html


def test_detail(w):
    report = report_of(w, submit=True)
    url = reverse("mechanisms:weeklyreport_detail", args=[report.pk])
    assert_status_matrix(
        Client, url, {None: 302, **outsiders(w), w.staff: 200, w.leader: 200, w.chief: 200, w.secretary: 200}
    )


def test_detail_offers_actions_only_to_who_may_act(w, client):
    report = report_of(w, submit=True)
    url = reverse("mechanisms:weeklyreport_detail", args=[report.pk])
    client.force_login(w.leader)
    assert 'data-testid="review-card"' not in client.get(url).content.decode()
    client.force_login(w.secretary)
    assert 'data-testid="review-card"' not in client.get(url).content.decode()
    client.force_login(w.staff)
    assert 'data-testid="review-card"' in client.get(url).content.decode()


def test_create_page(w):
    url = reverse("mechanisms:weeklyreport_create", args=[w.branch.pk])
    assert_status_matrix(
        Client, url, {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 200}
    )


def test_create_post_by_anyone_but_the_secretary_files_nothing(w):
    url = reverse("mechanisms:weeklyreport_create", args=[w.branch.pk])
    data = {"work_done": "冒名填报", "checklist_count": "0", "action": "submit"}
    assert_status_matrix(
        Client, url, {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404}, method="post", data=data
    )
    assert not WeeklyReport.objects.exists()


def test_edit_page(w):
    report = report_of(w)
    url = reverse("mechanisms:weeklyreport_edit", args=[report.pk])
    assert_status_matrix(
        Client, url, {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 200}
    )


def test_submit(w):
    report = report_of(w)
    url = reverse("mechanisms:weeklyreport_submit", args=[report.pk])
    assert_status_matrix(
        Client, url, {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 302}, method="post"
    )
    report.refresh_from_db()
    assert report.status == WeeklyReportStatus.SUBMITTED and report.submitted_by == w.secretary


def test_quick_report(w):
    url = reverse("mechanisms:weeklyreport_quick", args=[w.branch.pk])
    assert_status_matrix(
        Client, url, {None: 302, **outsiders(w), w.staff: 404, w.leader: 404, w.chief: 404, w.secretary: 302}, method="post"
    )
    assert WeeklyReport.objects.get().created_by == w.secretary


@pytest.mark.parametrize("name", ["weeklyreport_review", "weeklyreport_return"])
def test_review_and_return_are_for_department_staff_in_jurisdiction(w, name):
    report = report_of(w, submit=True)
    url = reverse(f"mechanisms:{name}", args=[report.pk])
    assert_status_matrix(
        Client, url,
        {None: 302, **outsiders(w), w.secretary: 404, w.leader: 404, w.chief: 404, w.staff: 302},
        method="post", data={"comment": "请补充"},
    )
    report.refresh_from_db()
    assert report.reviewed_by == w.staff


def test_raise_problem(w):
    report = report_of(w, problems_met="房源不足", submit=True)
    line = report.problem_lines.get()
    url = reverse("mechanisms:weeklyreport_problem_raise", args=[line.pk])
    assert_status_matrix(
        Client, url, {None: 302, **outsiders(w), w.leader: 404, w.secretary: 302},
        method="post", data={"category": "difficulty", "severity": "ordinary"},
    )
    line.refresh_from_db()
    assert line.problem_case is not None and line.problem_case.created_by == w.secretary


def test_get_on_a_post_only_action_is_refused(w, client):
    report = report_of(w, submit=True)
    client.force_login(w.staff)
    assert client.get(reverse("mechanisms:weeklyreport_review", args=[report.pk])).status_code == 405
    report.refresh_from_db()
    assert report.status == WeeklyReportStatus.SUBMITTED
