"""The weekly-report pages: the secretary's home, the pre-filled form, filing and double
submits, the stale-edit conflict, review and return, the lists, the "missing" view and the
exports."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import Light, User
from mechanisms.models import Comment, Notification, ProblemCase, WeeklyReport, WeeklyReportStatus
from mechanisms.weekly.rules import current_week
from mechanisms.weekly.services import (
    WeeklyContent,
    weekly_report_create,
    weekly_report_return,
    weekly_report_review,
    weekly_report_update,
)
from tests.mechanisms.requests_world import build_world
from tests.shared_world import shared_world

S = WeeklyReportStatus


w_once, w = shared_world(build_world, name="w")  # built once per module: tests/shared_world.py


def login(client, user):
    client.force_login(user)
    return client


def file(w, *, branch=None, by=None, week=None, submit=False, **fields):
    fields.setdefault("work_done", "完成入户评估32户。")
    return weekly_report_create(
        branch=branch or w.branch, by=by or w.secretary, week=week or current_week(),
        content=WeeklyContent(**fields), submit=submit,
    )


def form_data(w, **overrides):
    data = {
        "work_done": "本周完成入户评估32户，签约18户。",
        "problems_met": "3户对补偿标准有异议",
        "next_week_plan": "1. 完成剩余评估\n2. 召开座谈会",
        "support_needed": "",
        f"indicator_{w.indicator.pk}": "0",
        "checklist_count": "0",
        "action": "submit",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- the secretary's home
def test_home_shows_this_weeks_status_and_the_big_button(client, w):
    response = login(client, w.secretary).get(reverse("mechanisms:secretary_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert w.branch.name in html
    assert reverse("mechanisms:weeklyreport_create", args=[w.branch.pk]) in html
    assert 'data-status="missing"' in html
    file(w, submit=True)
    html = client.get(reverse("mechanisms:secretary_home")).content.decode()
    assert 'data-status="submitted"' in html
    assert reverse("mechanisms:weeklyreport_create", args=[w.branch.pk]) not in html


def test_home_has_one_section_per_branch(client, w):
    from tests.mechanisms.requests_world import make_active_branch

    second, _ = make_active_branch(
        committee=w.committee_a, by=w.staff, secretary=w.secretary, unit=w.town_a, name="第二个攻坚支部"
    )
    response = login(client, w.secretary).get(reverse("mechanisms:secretary_home"))
    sections = response.content.decode().count('data-testid="desk"')
    assert sections == 2
    assert "第二个攻坚支部" in response.content.decode()


# ---------------------------------------------------------------- the form
def test_form_opens_with_last_weeks_plan_and_current_values(client, w):
    file(w, week=current_week().previous(), next_week_plan="完成剩余32户评估\n召开动迁户座谈会", submit=True)
    from mechanisms.weekly.services import weekly_report_review

    weekly_report_review(report=WeeklyReport.objects.get(), by=w.staff)
    type(w.indicator).objects.filter(pk=w.indicator.pk).update(current_value=Decimal("120"))
    response = login(client, w.secretary).get(reverse("mechanisms:weeklyreport_create", args=[w.branch.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "完成剩余32户评估" in html and "召开动迁户座谈会" in html
    assert 'name="checklist_count" value="2"' in html
    assert f'name="indicator_{w.indicator.pk}"' in html and 'value="120.00"' in html


def test_filing_submits_ticks_the_checklist_and_records_the_reading(client, w):
    file(w, week=current_week().previous(), next_week_plan="完成剩余32户评估\n召开座谈会", submit=True)
    login(client, w.secretary)
    data = form_data(
        w, checklist_count="2", item_0="完成剩余32户评估", done_0="on", item_1="召开座谈会",
        **{f"indicator_{w.indicator.pk}": "150"},
    )
    response = client.post(reverse("mechanisms:weeklyreport_create", args=[w.branch.pk]), data)
    report = WeeklyReport.objects.get(iso_week=current_week().iso_week, iso_year=current_week().iso_year)
    assert response.status_code == 302 and response["Location"] == reverse("mechanisms:weeklyreport_detail", args=[report.pk])
    assert report.status == S.SUBMITTED
    assert report.checklist == [{"item": "完成剩余32户评估", "done": True}, {"item": "召开座谈会", "done": False}]
    w.project.refresh_from_db()
    assert w.project.light == Light.GREEN
    detail = client.get(response["Location"]).content.decode()
    assert "本周完成入户评估32户" in detail and "150" in detail


def test_save_draft_goes_to_edit(client, w):
    response = login(client, w.secretary).post(
        reverse("mechanisms:weeklyreport_create", args=[w.branch.pk]), form_data(w, action="save")
    )
    report = WeeklyReport.objects.get()
    assert report.status == S.DRAFT
    assert response["Location"] == reverse("mechanisms:weeklyreport_edit", args=[report.pk])
    # Opening "create" again for the same week goes to the draft, never a second report.
    again = client.get(reverse("mechanisms:weeklyreport_create", args=[w.branch.pk]))
    assert again["Location"] == reverse("mechanisms:weeklyreport_edit", args=[report.pk])


def test_submit_without_work_done_rerenders_with_the_users_text(client, w):
    response = login(client, w.secretary).post(
        reverse("mechanisms:weeklyreport_create", args=[w.branch.pk]),
        form_data(w, work_done="", support_needed="需要协调临时安置房源"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "需要协调临时安置房源" in html
    assert 'data-testid="form-errors"' in html
    assert not WeeklyReport.objects.exists()


def test_double_submit_files_one_report(client, w):
    login(client, w.secretary)
    url = reverse("mechanisms:weeklyreport_create", args=[w.branch.pk])
    first = client.post(url, form_data(w))
    second = client.post(url, form_data(w))
    report = WeeklyReport.objects.get()
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("mechanisms:weeklyreport_detail", args=[report.pk])


def test_create_when_another_report_was_saved_meanwhile_keeps_the_users_text(client, w):
    file(w, work_done="另一台设备上写的")
    response = login(client, w.secretary).post(
        reverse("mechanisms:weeklyreport_create", args=[w.branch.pk]), form_data(w, work_done="我在手机上写的")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "我在手机上写的" in html and "另一台设备上写的" in html
    assert 'data-testid="conflict"' in html
    assert WeeklyReport.objects.get().work_done == "另一台设备上写的"


def test_stale_edit_is_refused_and_nothing_is_lost(client, w):
    report = file(w, work_done="初稿")
    login(client, w.secretary)
    edit_url = reverse("mechanisms:weeklyreport_edit", args=[report.pk])
    page = client.get(edit_url).content.decode()
    assert f'name="version" value="{report.version}"' in page
    # Meanwhile the report is saved from another device.
    weekly_report_update(report=report, by=w.secretary, version=report.version, content=WeeklyContent(work_done="电脑上改过的"))
    response = client.post(edit_url, form_data(w, version=str(report.version), work_done="手机上改的", action="save"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "手机上改的" in html, "the user's text stays in the form"
    assert 'data-testid="conflict-changes"' in html and "电脑上改过的" in html and "初稿" in html
    assert f'name="version" value="{report.version + 1}"' in html
    report.refresh_from_db()
    assert report.work_done == "电脑上改过的"
    # Saving again after seeing the change is a deliberate overwrite.
    again = client.post(edit_url, form_data(w, version=str(report.version), work_done="手机上改的", action="save"))
    assert again.status_code == 302
    report.refresh_from_db()
    assert report.work_done == "手机上改的"


def test_returned_report_is_revised_and_resubmitted(client, w):
    report = file(w, submit=True)
    weekly_report_return(report=report, by=w.staff, comment="请补充签约户数")
    report.refresh_from_db()
    login(client, w.secretary)
    home = client.get(reverse("mechanisms:secretary_home")).content.decode()
    assert "请补充签约户数" in home
    response = client.post(
        reverse("mechanisms:weeklyreport_edit", args=[report.pk]),
        form_data(w, version=str(report.version), work_done="签约18户"),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.work_done == "签约18户"


def test_quick_no_change_report(client, w):
    response = login(client, w.secretary).post(
        reverse("mechanisms:weeklyreport_quick", args=[w.branch.pk]), {"note": "本周按计划推进，无重大变化", "week": current_week().code}
    )
    report = WeeklyReport.objects.get()
    assert response["Location"] == reverse("mechanisms:weeklyreport_detail", args=[report.pk])
    assert report.status == S.SUBMITTED and report.no_significant_change
    assert report.work_done == "本周按计划推进，无重大变化"
    again = client.post(reverse("mechanisms:weeklyreport_quick", args=[w.branch.pk]), {"note": ""})
    assert again["Location"] == reverse("mechanisms:weeklyreport_detail", args=[report.pk])
    assert WeeklyReport.objects.count() == 1


def test_a_week_other_than_this_or_last_is_404(client, w):
    login(client, w.secretary)
    url = reverse("mechanisms:weeklyreport_create", args=[w.branch.pk])
    assert client.get(url + f"?week={current_week().next().code}").status_code == 404
    assert client.get(url + f"?week={current_week().previous().previous().code}").status_code == 404
    assert client.get(url + f"?week={current_week().previous().code}").status_code == 200


# ---------------------------------------------------------------- review and return
def test_staff_reviews_with_a_comment(client, w):
    report = file(w, submit=True)
    login(client, w.staff)
    detail = client.get(reverse("mechanisms:weeklyreport_detail", args=[report.pk])).content.decode()
    assert 'data-testid="review-card"' in detail
    client.post(reverse("mechanisms:weeklyreport_review", args=[report.pk]), {"comment": "进展扎实"})
    report.refresh_from_db()
    assert report.status == S.REVIEWED and report.review_comment == "进展扎实" and report.reviewed_by == w.staff
    assert Notification.objects.filter(recipient=w.secretary, url=reverse("mechanisms:weeklyreport_detail", args=[report.pk])).exists()


def test_return_without_a_comment_is_refused_with_a_message(client, w):
    report = file(w, submit=True)
    login(client, w.staff)
    response = client.post(reverse("mechanisms:weeklyreport_return", args=[report.pk]), {"comment": ""}, follow=True)
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    assert "alert-danger" in response.content.decode()


def test_reviewing_a_draft_is_refused_not_a_500(client, w):
    report = file(w)
    response = login(client, w.staff).post(reverse("mechanisms:weeklyreport_review", args=[report.pk]), {}, follow=True)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == S.DRAFT


def test_problem_line_raised_in_one_step(client, w):
    report = file(w, problems_met="临时安置房源不足", submit=True)
    line = report.problem_lines.get()
    login(client, w.secretary)
    client.post(reverse("mechanisms:weeklyreport_problem_raise", args=[line.pk]), {"category": "difficulty", "severity": "serious"})
    case = ProblemCase.objects.get()
    assert case.title == "临时安置房源不足" and case.severity == "serious"
    detail = client.get(reverse("mechanisms:weeklyreport_detail", args=[report.pk])).content.decode()
    assert 'data-testid="raise-form"' not in detail


def test_detail_carries_comments(client, w):
    report = file(w, submit=True)
    login(client, w.staff)
    client.post(
        reverse("mechanisms:comment_create", args=["weeklyreport", report.pk]),
        {"body": "请附上现场照片", "next": reverse("mechanisms:weeklyreport_detail", args=[report.pk])},
    )
    assert Comment.objects.filter(body="请附上现场照片").exists()
    detail = client.get(reverse("mechanisms:weeklyreport_detail", args=[report.pk])).content.decode()
    assert "请附上现场照片" in detail


# ---------------------------------------------------------------- lists, missing, exports
# Wednesday morning: this week's report is filed before its Friday 17:00 deadline, so only the
# report marked late below counts as late (after Friday 17:00 this week's would be late too).
@time_machine.travel(datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), tick=False)
def test_list_filters(client, w):
    this_week = current_week()
    file(w, submit=True)
    file(w, week=this_week.previous(), submit=True)
    file(w, branch=w.other_branch, by=w.other_secretary)
    WeeklyReport.objects.filter(iso_week=this_week.previous().iso_week).update(is_late=True)
    login(client, w.staff)
    url = reverse("mechanisms:weeklyreport_list")

    def rows(query):
        return client.get(url + query).content.decode().count('data-testid="weekly-row"')

    assert rows("") == 3
    assert rows(f"?week={this_week.code}") == 2
    assert rows("?status=draft") == 1
    assert rows("?late=yes") == 1
    assert rows("?batch=2") == 1
    assert rows("?q=循环产业链") == 1
    assert rows("?week=garbage") == 3  # a bad filter is shown as an error, not a 500


def test_secretary_sees_only_their_branch_in_the_list(client, w):
    file(w)
    file(w, branch=w.other_branch, by=w.other_secretary)
    html = login(client, w.secretary).get(reverse("mechanisms:weeklyreport_list")).content.decode()
    assert html.count('data-testid="weekly-row"') == 1 and w.branch.name in html


def test_export_has_the_filtered_rows(client, w):
    file(w, work_done="本周签约18户", submit=True)
    file(w, branch=w.other_branch, by=w.other_secretary)
    response = login(client, w.staff).get(reverse("mechanisms:weeklyreport_export") + "?status=submitted")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1
    assert rows[0][1] == w.branch.name and "本周签约18户" in rows[0]


def test_export_columns_of_a_reviewed_and_a_late_report(client, w):
    """The export reads only the columns it writes (issue 14): the labels, the yes/no and the
    reviewer's name are still there, in Chinese, without a query a row."""
    reviewed = file(w, submit=True, work_done="本周签约18户")
    weekly_report_review(report=reviewed, by=w.staff, comment="进度扎实")
    # On time whatever the hour the suite runs at (a Friday evening files late): the test is
    # about the columns, not the deadline.
    WeeklyReport.objects.filter(pk=reviewed.pk).update(is_late=False)
    late = file(w, branch=w.other_branch, by=w.other_secretary, submit=True)
    WeeklyReport.objects.filter(pk=late.pk).update(is_late=True, no_significant_change=True)
    response = login(client, w.staff).get(reverse("mechanisms:weeklyreport_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    by_branch = {row[1]: row for row in rows}
    row = by_branch[w.branch.name]
    assert row[3] == w.secretary.full_name and row[4] == "已审阅" and row[6] == "否"
    assert row[12] == w.staff.get_full_name() and row[13] == "进度扎实"
    row = by_branch[w.other_branch.name]
    assert row[4] == "已提交" and row[6] == "是" and row[7] == "是" and row[12] is None


@pytest.mark.parametrize(
    ("full_name", "first_name", "last_name", "shown"),
    [("陈明", "", "", "陈明"), ("", "明", "陈", "明 陈"), ("", "", "", None)],
)
def test_export_names_the_reviewer_as_the_user_page_does(client, w, full_name, first_name, last_name, shown):
    """The export reads the reviewer's name columns, not the user: the name is still what
    ``get_full_name()`` says (the full name, else first and last name, else the login)."""
    reviewed = file(w, submit=True)
    weekly_report_review(report=reviewed, by=w.staff, comment="")
    User.objects.filter(pk=w.staff.pk).update(full_name=full_name, first_name=first_name, last_name=last_name)
    response = login(client, w.staff).get(reverse("mechanisms:weeklyreport_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    assert [row[12] for row in rows] == [shown or w.staff.username]
    assert User.objects.get(pk=w.staff.pk).get_full_name() == (shown or w.staff.username)


def test_missing_view_lists_branches_without_a_filed_report(client, w):
    from branches.models import Branch
    from tests.mechanisms.requests_world import days

    Branch.objects.update(formed_on=days(-60))
    file(w, submit=True)
    file(w, branch=w.other_branch, by=w.other_secretary)  # a draft is not filed
    login(client, w.staff)
    html = client.get(reverse("mechanisms:weeklyreport_missing")).content.decode()
    assert html.count('data-testid="missing-row"') == 1
    assert w.other_branch.name in html and w.branch.name not in html
    assert w.b_branch.name not in html, "another city's branch is not in this jurisdiction"
    sheet = load_workbook(io.BytesIO(client.get(reverse("mechanisms:weeklyreport_missing_export")).content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == [w.other_branch.name]
    last_week = client.get(reverse("mechanisms:weeklyreport_missing") + f"?week={current_week().previous().code}")
    assert last_week.content.decode().count('data-testid="missing-row"') == 2
    # A branch formed after the week ended owed no report for it.
    Branch.objects.filter(pk=w.other_branch.pk).update(formed_on=days(0))
    last_week = client.get(reverse("mechanisms:weeklyreport_missing") + f"?week={current_week().previous().code}")
    assert last_week.content.decode().count('data-testid="missing-row"') == 1
