"""What the projects pages show and do (the access matrix is in test_permissions)."""

import datetime
import json
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from branches.models import Light
from branches.selectors import visible_branches
from branches.services import branch_transition
from projects import services
from projects.models import Project, ProjectStatus
from projects.selectors import visible_projects

from .factories import days, make_branch, make_indicator, make_project, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client):
    """client_for(user) → the test client logged in as ``user``, asking for English pages."""

    def login(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return login


def _chart_data(response) -> list:
    match = re.search(r'<script id="burnup-data" type="application/json">(.*?)</script>', response.content.decode())
    assert match, "the chart data block is missing"
    return json.loads(match.group(1))


# ---------------------------------------------------------------- list and export
def test_list_shows_what_the_user_sees_and_filters(world, client_for):
    page = client_for(world.staff).get(reverse("projects:project_list"))
    names = [p.name for p in page.context["page"].object_list]
    assert set(names) == {"过江通道征迁", "循环产业链用地租赁"}  # city B's project is not there
    assert "泰兴项目" not in page.content.decode()

    by_chief = client_for(world.staff).get(reverse("projects:project_list"), {"dispatch_chief": world.chief.pk})
    assert [p.name for p in by_chief.context["page"].object_list] == ["过江通道征迁"]
    by_light = client_for(world.staff).get(reverse("projects:project_list"), {"light": Light.RED})
    assert [p.name for p in by_light.context["page"].object_list] == ["过江通道征迁"]
    by_branch = client_for(world.staff).get(reverse("projects:project_list"), {"branch": world.other_branch.pk})
    assert [p.name for p in by_branch.context["page"].object_list] == ["循环产业链用地租赁"]
    search = client_for(world.staff).get(reverse("projects:project_list"), {"q": "过江"})
    assert [p.name for p in search.context["page"].object_list] == ["过江通道征迁"]
    # A value outside the choices (another city's branch) is ignored, not an error.
    foreign = client_for(world.staff).get(reverse("projects:project_list"), {"branch": world.b_branch.pk})
    assert foreign.status_code == 200
    assert len(foreign.context["page"].object_list) == 2


def test_list_pages_by_25_and_keeps_the_filters(world, client_for):
    for i in range(30):
        make_project(branch=world.other_branch, by=world.staff, name=f"批量项目{i:02d}", deadline=60 + i)
    first = client_for(world.staff).get(reverse("projects:project_list"), {"branch": world.other_branch.pk})
    assert len(first.context["page"].object_list) == 25
    assert f"branch={world.other_branch.pk}&amp;page=2" in first.content.decode()
    second = client_for(world.staff).get(
        reverse("projects:project_list"), {"branch": world.other_branch.pk, "page": 2}
    )
    assert len(second.context["page"].object_list) == 6


def test_export_has_the_filtered_rows(world, client_for):
    response = client_for(world.staff).get(reverse("projects:project_export"), {"light": Light.RED})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["过江通道征迁"]
    assert rows[0][1] == "澄靖第二过江通道征迁攻坚支部"
    assert rows[0][12] == "刘建国"


def test_export_rows_read_as_tuples_are_what_the_projects_say(world):
    """The builder reads tuples (issue 14); each cell is still what the project instance says:
    display labels, progress, forecast, the lead unit's short name, a chief or none."""
    from core.exports import build
    from projects.filters import ProjectFilterSet
    from projects.models import forecast_label

    Project.objects.filter(pk=world.project.pk).update(progress=Decimal("0.4567"), dispatch_chief=None)
    world.project.lead_unit.__class__.objects.filter(pk=world.project.lead_unit_id).update(short_name="交通局")
    with translation.override("zh-hans"):
        got = list(build(user=world.staff, name="projects", params={}).rows)
        expected = [
            [
                p.name, p.branch.name, p.branch.batch, p.get_front_display(), p.field.name, p.get_status_display(),
                p.get_light_display(), round(float(p.progress) * 100, 1), p.start_on, p.deadline,
                forecast_label(p.forecast_state, p.forecast_on), str(p.lead_unit),
                p.dispatch_chief.get_full_name() if p.dispatch_chief_id else "", p.get_dispatch_cadence_display(),
            ]
            for p in ProjectFilterSet({}, user=world.staff).qs
        ]
    assert len(got) == 2 and got == expected
    assert {row[11] for row in got} >= {"交通局"} and "" in {row[12] for row in got}


# ---------------------------------------------------------------- detail
def test_detail_shows_chart_readings_milestones_forecast_chief_and_history(world, client_for):
    indicator = world.indicator
    services.indicator_record_reading(
        indicator=indicator, value=Decimal("50"), by=world.secretary, recorded_on=today() - datetime.timedelta(days=10),
        note="首批签约",
    )
    services.indicator_record_reading(indicator=indicator, value=Decimal("100"), by=world.secretary)
    response = client_for(world.staff).get(reverse("projects:project_detail", args=[world.project.pk]))
    html = response.content.decode()
    chart = _chart_data(response)
    assert chart == [
        {
            "id": indicator.pk, "name": "搬迁户数", "unit": "户", "baseline": 0.0, "target": 225.0,
            "start": days(-50).isoformat(), "deadline": days(50).isoformat(), "today": today().isoformat(),
            "readings": [[days(-10).isoformat(), 50.0], [today().isoformat(), 100.0]],
            "forecast": days(25).isoformat(),
        }
    ]
    assert "首批签约" in html and "张卫东" in html  # the readings table: note and who
    assert "完成入户评估" in html  # the milestone
    assert "刘建国" in html  # the 调度长
    # The recent pace, 50 in the 10 days between the readings: 125 more take 25 days.
    assert f"At this pace: done by {days(25).isoformat()}" in html
    assert "25 days early" in html
    assert "Dispatch chief appointed" in html  # the history
    # The CSP allows no inline script: only src= scripts and the json_script blocks.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "style=" not in html


def test_detail_says_stalled_without_recent_progress(world, client_for):
    services.indicator_record_reading(
        indicator=world.indicator, value=Decimal("20"), by=world.staff, recorded_on=today() - datetime.timedelta(days=40)
    )
    response = client_for(world.staff).get(reverse("projects:project_detail", args=[world.project.pk]))
    assert response.context["page"].result.stalled
    assert "Stalled" in response.content.decode()
    assert _chart_data(response)[0]["forecast"] is None


def test_detail_says_not_enough_data_on_the_first_day_not_stalled(world, client_for):
    # Minutes after the first readings are entered there is no pace yet: the page says so.
    project = make_project(branch=world.branch, by=world.staff, start=0, deadline=28)
    indicator = make_indicator(project=project, by=world.staff, target="225")
    for value in ("3", "5", "8"):
        services.indicator_record_reading(indicator=indicator, value=Decimal(value), by=world.staff)
    response = client_for(world.staff).get(reverse("projects:project_detail", args=[project.pk]))
    html = response.content.decode()
    result = response.context["page"].result
    assert result.not_enough_data and not result.stalled
    assert "Not enough data yet" in html and "Stalled" not in html
    assert 'data-state="not_enough_data"' in html
    assert "Not enough data yet for a forecast." in html  # the indicator's line


def test_detail_says_a_far_forecast_is_far(world, client_for):
    # issue 14: a tiny pace made the forecast overflow the calendar (OverflowError, a 500 on the
    # reading, on the weekly report and on this page). 1 more in 14 days of a trillion is far.
    project = make_project(branch=world.branch, by=world.staff, start=-20, deadline=40)
    indicator = make_indicator(project=project, by=world.staff, target="999999999999")
    services.indicator_record_reading(
        indicator=indicator, value=Decimal("1"), by=world.staff, recorded_on=today() - datetime.timedelta(days=14)
    )
    services.indicator_record_reading(indicator=indicator, value=Decimal("2"), by=world.staff)
    response = client_for(world.staff).get(reverse("projects:project_detail", args=[project.pk]))
    assert response.status_code == 200
    assert response.context["page"].result.far
    assert "At this pace: not done within 10 years." in response.content.decode()
    project.refresh_from_db()
    assert project.forecast_on is None and project.light == Light.RED


def test_detail_explains_green_with_a_forecast_a_little_late(world, client_for):
    # The 过江通道 case on day 14: 95 of 225 after 40 a week ago. Green (7.8 points behind the
    # plan for today's reading), forecast 3 days late — within the light's tolerance, and said so.
    project = make_project(branch=world.branch, by=world.staff, start=-14, deadline=14)
    indicator = make_indicator(project=project, by=world.staff, target="225")
    services.indicator_record_reading(indicator=indicator, value=Decimal("40"), by=world.staff, recorded_on=days(-7))
    services.indicator_record_reading(indicator=indicator, value=Decimal("95"), by=world.staff)
    url = reverse("projects:project_detail", args=[project.pk])
    html = client_for(world.staff).get(url).content.decode()
    assert "3 days late" in html
    assert "At this pace 91.1% is done by the deadline: within the light's tolerance of 10 points." in html
    chinese = client_for(world.staff).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "按当前进度，到截止日期可完成91.1%，仍在红绿灯10个百分点的容许范围内。" in chinese
    assert "最新读数日期的计划进度" in chinese
    project.refresh_from_db()
    assert project.light == Light.GREEN


def test_detail_offers_writes_by_role(world, client_for):
    url = reverse("projects:project_detail", args=[world.project.pk])
    staff = client_for(world.staff).get(url).content.decode()
    assert reverse("projects:project_edit", args=[world.project.pk]) in staff
    assert reverse("projects:reading_create", args=[world.indicator.pk]) in staff
    secretary = client_for(world.secretary).get(url).content.decode()
    assert reverse("projects:project_edit", args=[world.project.pk]) not in secretary
    assert reverse("projects:reading_create", args=[world.indicator.pk]) in secretary
    assert reverse("projects:milestone_done", args=[world.milestone.pk]) in secretary
    leader = client_for(world.leader).get(url).content.decode()
    assert reverse("projects:reading_create", args=[world.indicator.pk]) not in leader
    assert reverse("projects:milestone_done", args=[world.milestone.pk]) not in leader
    assert "transition-form" not in leader


# ---------------------------------------------------------------- create and edit
def test_create_preselects_the_branch_and_offers_only_editable_branches(world, client_for):
    response = client_for(world.staff).get(reverse("projects:project_create"), {"branch": world.other_branch.pk})
    form = response.context["form"]
    assert form.initial["branch"] == world.other_branch
    assert form.initial["lead_unit"] == world.other_branch.lead_unit_id
    assert set(form.fields["branch"].queryset) == {world.branch, world.other_branch}
    assert world.staff_b not in form.fields["dispatch_chief"].queryset
    assert world.chief in form.fields["dispatch_chief"].queryset
    # A branch of another city is not preselected.
    other = client_for(world.staff).get(reverse("projects:project_create"), {"branch": world.b_branch.pk})
    assert "branch" not in other.context["form"].initial


def _project_post(world, **overrides):
    data = {
        "branch": world.other_branch.pk,
        "name": "中南高科项目服务",
        "front": world.other_branch.front,
        "field": world.other_branch.field_id,
        "goal": "为19个新签约入园项目提供全方位服务",
        "start_on": days(-10).isoformat(),
        "deadline": days(80).isoformat(),
        "lead_unit": world.department_a.pk,
        "responsible_units": [world.town_a.pk, world.committee_a.pk],
        "dispatch_chief": world.other_chief.pk,
        "dispatch_cadence": "fortnightly",
    }
    data.update(overrides)
    return data


def test_create_makes_the_project_and_appoints_the_chief(world, client_for):
    response = client_for(world.staff).post(reverse("projects:project_create"), _project_post(world))
    project = Project.objects.get(name="中南高科项目服务")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:project_detail", args=[project.pk])
    assert project.dispatch_chief == world.other_chief
    assert set(project.responsible_units.all()) == {world.town_a, world.committee_a}
    assert visible_projects(world.other_chief).filter(pk=project.pk).exists()
    assert visible_branches(world.other_chief).filter(pk=world.other_branch.pk).exists()


def test_create_with_bad_input_rerenders_what_was_typed(world, client_for):
    data = _project_post(world, deadline=days(-20).isoformat(), dispatch_chief=world.staff_b.pk)
    response = client_for(world.staff).post(reverse("projects:project_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "The deadline cannot be before the start." in form.errors["deadline"]
    assert "dispatch_chief" in form.errors  # a user of another city is not a choice
    assert "为19个新签约入园项目提供全方位服务" in response.content.decode()
    assert not Project.objects.filter(name="中南高科项目服务").exists()


def test_create_refuses_a_branch_outside_the_choices(world, client_for):
    response = client_for(world.staff).post(reverse("projects:project_create"), _project_post(world, branch=world.b_branch.pk))
    assert response.status_code == 200
    assert "branch" in response.context["form"].errors


def test_edit_changes_the_project_but_not_its_chief(world, client_for):
    url = reverse("projects:project_edit", args=[world.project.pk])
    form = client_for(world.staff).get(url).context["form"]
    assert "branch" not in form.fields and "dispatch_chief" not in form.fields
    data = _project_post(world, name="过江通道征迁（二期）")
    data.pop("branch")
    data.pop("dispatch_chief")
    response = client_for(world.staff).post(url, data)
    assert response.status_code == 302
    project = Project.objects.get(pk=world.project.pk)
    assert project.name == "过江通道征迁（二期）"
    assert project.dispatch_chief == world.chief
    assert project.branch == world.branch


# ---------------------------------------------------------------- status and 调度长
def test_transition_moves_the_status_or_flashes_the_refusal(world, client_for):
    url = reverse("projects:project_transition", args=[world.project.pk])
    client = client_for(world.staff)
    refused = client.post(url, {"to": ProjectStatus.COMPLETED}, follow=True)
    assert "cannot become" in refused.content.decode()
    assert Project.objects.get(pk=world.project.pk).status == ProjectStatus.PLANNED
    no_reason = client.post(url, {"to": ProjectStatus.CANCELLED, "reason": ""}, follow=True)
    assert "Give a reason" in no_reason.content.decode()
    client.post(url, {"to": ProjectStatus.IN_PROGRESS})
    assert Project.objects.get(pk=world.project.pk).status == ProjectStatus.IN_PROGRESS


def test_appointing_a_new_chief_through_the_page_moves_the_grants(world, client_for):
    url = reverse("projects:dispatch_chief_assign", args=[world.project.pk])
    response = client_for(world.staff).post(url, {"dispatch_chief": world.other_chief.pk})
    assert response.status_code == 302
    assert Project.objects.get(pk=world.project.pk).dispatch_chief == world.other_chief
    assert not visible_projects(world.chief).filter(pk=world.project.pk).exists()
    # The old chief now gets a 404 on the project page.
    assert client_for(world.chief).get(reverse("projects:project_detail", args=[world.project.pk])).status_code == 404
    refused = client_for(world.staff).post(url, {"dispatch_chief": world.staff_b.pk})
    assert refused.status_code == 200 and "dispatch_chief" in refused.context["form"].errors


# ---------------------------------------------------------------- indicators, readings, milestones
def test_add_an_indicator_and_a_duplicate_is_a_form_error(world, client_for):
    url = reverse("projects:indicator_create", args=[world.project.pk])
    client = client_for(world.staff)
    client.post(url, {"name": "腾空房屋", "unit": "间", "baseline": "0", "target": "180", "weight": "2"})
    created = world.project.indicators.get(name="腾空房屋")
    assert created.weight == 2 and created.current_value == 0
    duplicate = client.post(url, {"name": "腾空房屋", "unit": "间", "baseline": "0", "target": "10", "weight": "1"})
    assert duplicate.status_code == 200
    assert "This project already has an indicator with this name." in duplicate.content.decode()
    same = client.post(url, {"name": "持平", "unit": "间", "baseline": "5", "target": "5", "weight": "1"})
    assert "The target must differ from the baseline." in same.content.decode()


def test_the_secretary_records_a_reading_and_the_light_follows(world, client_for):
    url = reverse("projects:reading_create", args=[world.indicator.pk])
    client = client_for(world.secretary)
    future = client.post(url, {"value": "120", "recorded_on": days(1).isoformat(), "note": ""})
    assert future.status_code == 200
    assert "A reading cannot be dated in the future." in future.content.decode()
    response = client.post(url, {"value": "120", "recorded_on": today().isoformat(), "note": "第三周"})
    assert response.status_code == 302
    reading = world.indicator.readings.get()
    assert reading.recorded_by == world.secretary and reading.note == "第三周"
    world.project.refresh_from_db()
    assert world.project.light == Light.GREEN  # red before: 120/225 = 53 % done at 50 % of the time


def test_add_a_milestone_and_the_chief_marks_it_done(world, client_for):
    client_for(world.staff).post(
        reverse("projects:milestone_create", args=[world.project.pk]), {"name": "完成签约", "due_on": days(20).isoformat()}
    )
    milestone = world.project.milestones.get(name="完成签约")
    response = client_for(world.chief).post(reverse("projects:milestone_done", args=[milestone.pk]))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == today()
    again = client_for(world.chief).post(reverse("projects:milestone_done", args=[milestone.pk]), follow=True)
    assert "This milestone is already done." in again.content.decode()


def test_a_closed_project_hides_the_recording_buttons(world, client_for):
    services.project_transition(project=world.project, to=ProjectStatus.CANCELLED, by=world.staff, reason="撤销")
    html = client_for(world.secretary).get(reverse("projects:project_detail", args=[world.project.pk])).content.decode()
    assert reverse("projects:reading_create", args=[world.indicator.pk]) not in html
    refused = client_for(world.secretary).post(
        reverse("projects:reading_create", args=[world.indicator.pk]), {"value": "5", "recorded_on": today().isoformat()}
    )
    assert "Readings cannot be recorded on a closed project." in refused.content.decode()


def test_a_project_with_an_ended_branch_cannot_be_created_from_a_stale_form(world, client_for):
    branch = make_branch(committee=world.committee_a, by=world.staff)
    data = _project_post(world, branch=branch.pk)
    branch_transition(branch=branch, to="dissolved", by=world.staff, reason="合并")
    response = client_for(world.staff).post(reverse("projects:project_create"), data)
    assert response.status_code == 200
    assert "branch" in response.context["form"].errors


def test_a_retired_field_stays_valid_on_the_projects_that_use_it(world, client_for):
    world.project.field.is_active = False
    world.project.field.save()
    url = reverse("projects:project_edit", args=[world.project.pk])
    data = _project_post(world, name="过江通道征迁", field=world.project.field_id)
    data.pop("branch")
    data.pop("dispatch_chief")
    assert client_for(world.staff).post(url, data).status_code == 302
    create = client_for(world.staff).post(reverse("projects:project_create"), _project_post(world))
    assert "field" in create.context["form"].errors  # but a new project cannot pick it
