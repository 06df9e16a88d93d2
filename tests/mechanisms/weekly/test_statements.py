"""A weekly-report submission costs a bounded number of SQL statements, whatever the number of
indicator values it carries (issue 14: 262 statements for 10 values before).

The readings are written in bulk, each affected project's light is refreshed once and the
branch is locked and refreshed once, so a report with 10 values costs what one with 2 does.
Both layouts below touch the same two projects, so the count must be equal."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import Light
from mechanisms.models import WeeklyReport
from mechanisms.weekly.rules import current_week
from mechanisms.weekly.services import WeeklyContent, weekly_report_create, weekly_report_update
from projects.models import Indicator, IndicatorReading, Project
from tests.mechanisms.requests_world import build_world, make_indicator, make_project

MAX_STATEMENTS = 40


@pytest.fixture
def w(org_tree, make_user):
    return build_world(org_tree, make_user)


def indicators_over_two_projects(w, count: int) -> list[Indicator]:
    """``count`` indicators of the branch, half on its first project, half on a second one."""
    second = make_project(branch=w.branch, by=w.staff)
    indicators = [w.indicator]
    while len(indicators) < count:
        project = w.project if len(indicators) < count // 2 else second
        indicators.append(make_indicator(project=project, by=w.staff))
    assert {i.project_id for i in indicators} == {w.project.pk, second.pk}
    return indicators


def submit_counting(w, indicators, *, value="150", week=None) -> tuple[WeeklyReport, int]:
    content = WeeklyContent(
        work_done="完成入户评估32户，签约18户。",
        problems_met="资金拨付滞后",
        readings={i.pk: Decimal(value) for i in indicators},
    )
    with CaptureQueriesContext(connection) as ctx:
        report = weekly_report_create(
            branch=w.branch, by=w.secretary, week=week or current_week(), content=content, submit=True
        )
    return report, len(ctx.captured_queries)


@pytest.mark.parametrize("count", [2, 10])
def test_submission_is_bounded_and_every_value_is_recorded(w, count):
    indicators = indicators_over_two_projects(w, count)
    report, statements = submit_counting(w, indicators)
    assert statements <= MAX_STATEMENTS, statements

    # Everything the per-reading path did is still done.
    assert IndicatorReading.objects.filter(indicator__in=indicators).count() == count
    assert all(row.indicator_reading_id for row in report.readings.all())
    for indicator in Indicator.objects.filter(pk__in=[i.pk for i in indicators]):
        assert indicator.current_value == Decimal("150")
        assert indicator.history.count() == 2  # created, then the new current value
    for reading in IndicatorReading.objects.filter(indicator__in=indicators):
        assert reading.history.get().history_user == w.secretary
    assert report.readings.model.history.filter(report_id=report.pk).count() == count * 2  # created, linked
    for project in Project.objects.filter(branch=w.branch):
        assert project.light_computed_at is not None
    w.branch.refresh_from_db()
    assert w.branch.light in Light.values


def test_ten_values_cost_what_two_do(w):
    """Equal counts, from the same state: a first report (three weeks ago) brings both projects
    to green, so the two counted reports move no light. A light that moves costs one more
    UPDATE of the branch (one per light it moves to), whatever the number of values."""
    ten = indicators_over_two_projects(w, 10)
    week = current_week()
    submit_counting(w, ten, value="160", week=week.previous().previous())
    assert set(Project.objects.filter(branch=w.branch).values_list("light", flat=True)) == {Light.GREEN}
    _, with_two = submit_counting(w, ten[:1] + ten[-1:], value="170", week=week.previous())  # one on each project
    _, with_ten = submit_counting(w, ten, value="180", week=week)
    assert set(Project.objects.filter(branch=w.branch).values_list("light", flat=True)) == {Light.GREEN}
    assert with_two == with_ten <= MAX_STATEMENTS, (with_two, with_ten)


def test_resubmission_records_only_what_changed_in_bounded_statements(w):
    indicators = indicators_over_two_projects(w, 10)
    report, _ = submit_counting(w, indicators)
    report = WeeklyReport.objects.get(pk=report.pk)
    report.status = "returned"
    report.save(update_fields=["status"])
    readings = {i.pk: Decimal("150") for i in indicators}
    readings[indicators[0].pk] = Decimal("170")
    content = WeeklyContent(work_done="补充完整。", readings=readings)
    with CaptureQueriesContext(connection) as ctx:
        weekly_report_update(report=report, by=w.secretary, version=report.version, content=content, submit=True)
    assert len(ctx.captured_queries) <= MAX_STATEMENTS
    assert IndicatorReading.objects.filter(indicator__in=indicators).count() == 11
    assert Indicator.objects.get(pk=indicators[0].pk).current_value == Decimal("170")


def test_draft_edit_clears_and_changes_values_in_bulk_with_history(w):
    indicators = indicators_over_two_projects(w, 10)
    content = WeeklyContent(work_done="草稿", readings={i.pk: Decimal("150") for i in indicators})
    report = weekly_report_create(branch=w.branch, by=w.secretary, week=current_week(), content=content)
    readings = {i.pk: None for i in indicators[:4]} | {i.pk: Decimal("120") for i in indicators[4:]}
    content = WeeklyContent(work_done="草稿", readings=readings)
    with CaptureQueriesContext(connection) as ctx:
        weekly_report_update(report=report, by=w.secretary, version=report.version, content=content)
    assert len(ctx.captured_queries) <= MAX_STATEMENTS
    assert sorted(report.readings.values_list("indicator_id", flat=True)) == sorted(i.pk for i in indicators[4:])
    assert set(report.readings.values_list("value", flat=True)) == {Decimal("120")}
    history = report.readings.model.history.filter(report_id=report.pk)
    assert history.filter(history_type="-").count() == 4
    assert history.filter(history_type="~", value=Decimal("120")).count() == 6
    assert set(history.values_list("history_user", flat=True)) == {w.secretary.pk}
    assert not IndicatorReading.objects.filter(indicator__in=indicators).exists(), "a draft records nothing"
