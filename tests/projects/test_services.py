"""Rules of the projects services: transitions and refusals, the 调度长's grants, readings and
the stored light (of the project and of its branch)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from branches.models import BranchStatus, Light
from branches.roles import Role
from branches.selectors import visible_branches
from branches.services import branch_transition
from core.workflow import TransitionError
from projects import services
from projects.models import Project, ProjectStatus
from projects.selectors import editable_projects, visible_projects
from tests.clock import SHANGHAI

from .factories import days, make_branch, make_indicator, make_milestone, make_project, today

pytestmark = pytest.mark.django_db


def _reload(obj):
    obj.refresh_from_db()
    return obj


# ---------------------------------------------------------------- create and update
def test_project_create_stores_its_light_and_records_who(world):
    project = _reload(world.project)
    assert project.light == Light.RED  # halfway through the time with 0 of 225 done: 50 points behind
    assert _reload(world.branch).light == Light.RED
    assert project.light_computed_at is not None
    first = project.history.earliest()
    assert first.history_user == world.staff


def test_a_project_without_indicators_is_not_red_at_creation(world):
    project = make_project(branch=world.branch, by=world.staff, start=-80, deadline=20)
    assert _reload(project).light == Light.GREEN


def test_project_create_refuses_an_ended_branch(world):
    branch = make_branch(committee=world.committee_a, by=world.staff)
    branch_transition(branch=branch, to=BranchStatus.DISSOLVED, by=world.staff, reason="合并")
    with pytest.raises(ValidationError) as error:
        make_project(branch=branch, by=world.staff)
    assert error.value.code == "ended"


def test_project_create_refuses_a_deadline_before_the_start(world):
    with pytest.raises(ValidationError) as error:
        make_project(branch=world.branch, by=world.staff, start=10, deadline=5)
    assert gettext("The deadline cannot be before the start.") in str(error.value)
    assert not Project.objects.filter(start_on=days(10)).exists()


def test_project_update_refuses_fields_with_their_own_service(world):
    for field, value in [("status", ProjectStatus.COMPLETED), ("branch", world.other_branch), ("dispatch_chief", None)]:
        with pytest.raises(ValueError):
            services.project_update(project=world.project, by=world.staff, **{field: value})


def test_project_update_moving_the_deadline_recomputes_the_light(world):
    project = world.project
    services.indicator_record_reading(indicator=world.indicator, value=Decimal("80"), by=world.staff)  # 35.6 %
    assert _reload(project).light == Light.YELLOW
    services.project_update(project=project, by=world.staff, deadline=days(150))  # 25 % elapsed
    assert _reload(project).light == Light.GREEN


# ---------------------------------------------------------------- transitions
def test_the_lifecycle_along_the_table(world):
    project = world.project
    services.project_transition(project=project, to=ProjectStatus.IN_PROGRESS, by=world.staff)
    services.project_transition(project=project, to=ProjectStatus.SUSPENDED, by=world.staff, reason="汛期停工")
    services.project_transition(project=project, to=ProjectStatus.IN_PROGRESS, by=world.staff)
    services.project_transition(project=project, to=ProjectStatus.COMPLETED, by=world.staff)
    assert _reload(project).status == ProjectStatus.COMPLETED
    reasons = list(project.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert "汛期停工" in reasons


@pytest.mark.parametrize(
    "path, refused",
    [
        ([], ProjectStatus.COMPLETED),  # planned → completed skips the work
        ([], ProjectStatus.SUSPENDED),
        ([ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED], ProjectStatus.IN_PROGRESS),  # completed is final
        ([(ProjectStatus.CANCELLED, "并入其他项目")], ProjectStatus.PLANNED),  # cancelled is final
    ],
)
def test_illegal_moves_are_refused_with_a_translated_message(world, path, refused):
    project = world.project
    for step in path:
        to, reason = step if isinstance(step, tuple) else (step, "")
        services.project_transition(project=project, to=to, by=world.staff, reason=reason)
    before = _reload(project).status
    with pytest.raises(TransitionError) as error:
        services.project_transition(project=project, to=refused, by=world.staff, reason="x")
    assert error.value.code == "illegal_transition"
    expected = gettext("Not possible: a record that is “%(current)s” cannot become “%(target)s”.") % {
        "current": ProjectStatus(before).label,
        "target": ProjectStatus(refused).label,
    }
    assert error.value.messages[0] == expected
    assert _reload(project).status == before


@pytest.mark.parametrize("to", [ProjectStatus.CANCELLED, ProjectStatus.SUSPENDED])
def test_cancelling_or_suspending_needs_a_reason(world, to):
    if to == ProjectStatus.SUSPENDED:
        services.project_transition(project=world.project, to=ProjectStatus.IN_PROGRESS, by=world.staff)
    with pytest.raises(TransitionError) as error:
        services.project_transition(project=world.project, to=to, by=world.staff, reason="  ")
    assert error.value.code == "reason_required"


def test_an_unknown_status_is_refused(world):
    with pytest.raises(TransitionError):
        services.project_transition(project=world.project, to="exploded", by=world.staff)


def test_a_closed_project_takes_no_figures_and_leaves_the_branch_light(world):
    indicator = world.indicator
    services.indicator_record_reading(indicator=indicator, value=Decimal("5"), by=world.staff)
    assert _reload(world.branch).light == Light.RED
    services.project_transition(project=world.project, to=ProjectStatus.CANCELLED, by=world.staff, reason="撤销")
    assert _reload(world.branch).light == Light.GREEN  # no open project left in it
    with pytest.raises(ValidationError) as error:
        services.indicator_record_reading(indicator=indicator, value=Decimal("50"), by=world.staff)
    assert error.value.code == "closed"
    for call in (
        lambda: make_indicator(project=world.project, by=world.staff),
        lambda: make_milestone(project=world.project, by=world.staff),
        lambda: services.milestone_mark_done(milestone=world.milestone, by=world.staff),
    ):
        with pytest.raises(ValidationError):
            call()


# ---------------------------------------------------------------- the 调度长 and the grants
def test_appointing_a_dispatch_chief_grants_the_project_and_its_branch(world):
    chief = world.chief
    assert visible_projects(chief).filter(pk=world.project.pk).exists()
    assert editable_projects(chief).filter(pk=world.project.pk).exists()
    assert visible_branches(chief).filter(pk=world.branch.pk).exists()
    assert chief.groups.filter(name=Role.DISPATCH_CHIEF).exists()
    # Nothing else.
    assert not visible_projects(chief).filter(pk=world.other_project.pk).exists()
    assert not visible_branches(chief).filter(pk=world.other_branch.pk).exists()


def test_replacing_the_dispatch_chief_moves_the_grants(world):
    old, new = world.chief, world.other_chief
    services.project_assign_dispatch_chief(project=world.project, user=new, by=world.staff)
    old = type(old).objects.get(pk=old.pk)  # fresh: guardian and role caches
    new = type(new).objects.get(pk=new.pk)
    assert not visible_projects(old).filter(pk=world.project.pk).exists()
    assert not editable_projects(old).filter(pk=world.project.pk).exists()
    assert not visible_branches(old).filter(pk=world.branch.pk).exists()
    assert not old.groups.filter(name=Role.DISPATCH_CHIEF).exists()
    assert visible_projects(new).filter(pk=world.project.pk).exists()
    assert visible_branches(new).filter(pk=world.branch.pk).exists()
    assert new.groups.filter(name=Role.DISPATCH_CHIEF).exists()
    assert _reload(world.project).dispatch_chief == new
    last = world.project.history.latest()
    assert last.history_user == world.staff and last.history_change_reason == gettext("Dispatch chief appointed")

    # And back again: the grants follow the other way.
    services.project_assign_dispatch_chief(project=world.project, user=old, by=world.staff)
    new = type(new).objects.get(pk=new.pk)
    assert not visible_projects(new).filter(pk=world.project.pk).exists()
    assert not visible_branches(new).filter(pk=world.branch.pk).exists()
    assert visible_projects(old).filter(pk=world.project.pk).exists()


def test_a_replaced_chief_keeps_the_branch_through_another_project_in_it(world):
    second = make_project(branch=world.branch, by=world.staff, name="第二个项目", dispatch_chief=world.chief)
    services.project_assign_dispatch_chief(project=world.project, user=world.other_chief, by=world.staff)
    chief = type(world.chief).objects.get(pk=world.chief.pk)
    assert not visible_projects(chief).filter(pk=world.project.pk, dispatch_chief=chief).exists()
    assert not editable_projects(chief).filter(pk=world.project.pk).exists()
    assert visible_branches(chief).filter(pk=world.branch.pk).exists()  # through the second project
    assert editable_projects(chief).filter(pk=second.pk).exists()
    assert chief.groups.filter(name=Role.DISPATCH_CHIEF).exists()


def test_a_replaced_chief_who_is_the_secretary_keeps_the_branch(world):
    # The branch grant of a secretary is the same permission row: do not take it away.
    project = make_project(branch=world.branch, by=world.staff, dispatch_chief=world.secretary)
    services.project_assign_dispatch_chief(project=project, user=None, by=world.staff)
    secretary = type(world.secretary).objects.get(pk=world.secretary.pk)
    assert secretary.has_perm("branches.view_branch", world.branch)
    assert _reload(project).dispatch_chief is None


def test_appointing_the_same_chief_again_changes_nothing(world):
    count = world.project.history.count()
    services.project_assign_dispatch_chief(project=world.project, user=world.chief, by=world.staff)
    assert world.project.history.count() == count


def test_an_inactive_login_cannot_be_appointed(world):
    world.other_chief.is_active = False
    world.other_chief.save()
    with pytest.raises(ValidationError):
        services.project_assign_dispatch_chief(project=world.project, user=world.other_chief, by=world.staff)
    assert _reload(world.project).dispatch_chief == world.chief


# ---------------------------------------------------------------- readings
def test_a_reading_moves_the_current_value_to_the_latest_by_date(world):
    indicator = world.indicator
    services.indicator_record_reading(indicator=indicator, value=Decimal("100"), by=world.secretary, note="第一周")
    assert _reload(indicator).current_value == Decimal("100")
    # A late entry for an earlier date is history, not the current value.
    reading = services.indicator_record_reading(
        indicator=indicator, value=Decimal("60"), by=world.secretary, recorded_on=today() - datetime.timedelta(days=7)
    )
    assert _reload(indicator).current_value == Decimal("100")
    assert reading.recorded_by == world.secretary
    assert reading.history.latest().history_user == world.secretary


def test_a_reading_cannot_be_dated_in_the_future(world):
    with pytest.raises(ValidationError) as error:
        services.indicator_record_reading(
            indicator=world.indicator, value=Decimal("1"), by=world.staff, recorded_on=days(1)
        )
    assert "recorded_on" in error.value.error_dict
    assert not world.indicator.readings.exists()


def test_readings_bring_a_red_project_back_to_green_and_the_branch_follows(world):
    """A red project turns back once the gap is made up; the branch's light is its worst open
    project's."""
    project, branch = world.project, world.branch
    services.milestone_mark_done(milestone=world.milestone, by=world.secretary)
    # Halfway through the time with 10 of 225 done: red, and the branch with it.
    services.indicator_record_reading(indicator=world.indicator, value=Decimal("10"), by=world.secretary)
    assert _reload(project).light == Light.RED
    assert _reload(branch).light == Light.RED
    # 90 of 225 is 40 %: exactly 10 points behind the 50 % elapsed, which is still green.
    services.indicator_record_reading(indicator=world.indicator, value=Decimal("90"), by=world.secretary)
    assert _reload(project).light == Light.GREEN
    assert _reload(branch).light == Light.GREEN
    assert _reload(project).progress == Decimal("0.4")


def test_the_branch_light_is_the_worst_open_project(world):
    services.milestone_mark_done(milestone=world.milestone, by=world.secretary)
    services.indicator_record_reading(indicator=world.indicator, value=Decimal("113"), by=world.secretary)
    second = make_project(branch=world.branch, by=world.staff)
    make_indicator(project=second, by=world.staff, target="100")
    second_indicator = second.indicators.get()
    services.indicator_record_reading(indicator=second_indicator, value=Decimal("35"), by=world.staff)  # 15 behind
    assert _reload(second).light == Light.YELLOW
    assert _reload(world.branch).light == Light.YELLOW
    services.indicator_record_reading(indicator=second_indicator, value=Decimal("5"), by=world.staff)
    assert _reload(world.branch).light == Light.RED
    services.project_transition(project=second, to=ProjectStatus.CANCELLED, by=world.staff, reason="撤销")
    assert _reload(world.branch).light == Light.GREEN


def test_the_stored_forecast_follows_the_readings(world):
    indicator = world.indicator
    services.indicator_record_reading(
        indicator=indicator, value=Decimal("50"), by=world.staff, recorded_on=today() - datetime.timedelta(days=10)
    )
    # One reading: no pace yet. The state is stored with the light, so every page says so.
    assert (_reload(world.project).forecast_state, _reload(world.project).forecast_on) == ("not_enough_data", None)
    services.indicator_record_reading(indicator=indicator, value=Decimal("100"), by=world.staff)
    # The recent pace, between the two readings (the start is not a reading): 50 in 10 days →
    # 125 more take 25 days.
    assert (_reload(world.project).forecast_state, _reload(world.project).forecast_on) == ("dated", days(25))
    services.indicator_record_reading(indicator=indicator, value=Decimal("225"), by=world.staff)
    assert (_reload(world.project).forecast_state, _reload(world.project).forecast_on) == ("reached", today())


# ---------------------------------------------------------------- milestones
def test_an_overdue_milestone_turns_the_project_red_and_done_turns_it_back(world):
    project = make_project(branch=world.branch, by=world.staff, start=-30, deadline=60)
    indicator = make_indicator(project=project, by=world.staff)
    services.indicator_record_reading(indicator=indicator, value=Decimal("40"), by=world.staff)  # ahead
    milestone = make_milestone(project=project, by=world.staff, due=-8)
    assert _reload(project).light == Light.RED
    services.milestone_mark_done(milestone=milestone, by=world.chief)
    assert _reload(project).light == Light.GREEN
    assert _reload(milestone).done_on == today()
    assert milestone.history.latest().history_user == world.chief


def test_a_milestone_is_done_once_and_not_in_the_future(world):
    with pytest.raises(ValidationError):
        services.milestone_mark_done(milestone=world.milestone, by=world.staff, done_on=days(1))
    services.milestone_mark_done(milestone=world.milestone, by=world.staff)
    with pytest.raises(ValidationError) as error:
        services.milestone_mark_done(milestone=world.milestone, by=world.staff)
    assert error.value.code == "already_done"


def test_refresh_all_reports_projects_turning_red_as_time_passes(world):
    services.milestone_mark_done(milestone=world.milestone, by=world.staff)
    services.indicator_record_reading(indicator=world.indicator, value=Decimal("113"), by=world.staff)  # ~50 %
    assert _reload(world.project).light == Light.GREEN
    # 25 days later with no new reading: no progress for more than 21 days (and the reading,
    # aged to 7 days ago, is 18 points behind the plan for that day).
    turned = services.projects_refresh_all_lights(today=days(25))
    assert world.project.pk in turned
    assert _reload(world.branch).light == Light.RED
    assert services.projects_refresh_all_lights(today=days(25)) == []  # already red: not reported twice


# ---------------------------------------------------------------- the nightly refresh (issue 10)
def _each_evening(start, days_count):
    """Travel to 18:00 Shanghai on each day from ``start``; yields the day's number."""
    for n in range(days_count):
        moment = datetime.datetime.combine(start + datetime.timedelta(days=n), datetime.time(18, 0), tzinfo=SHANGHAI)
        with time_machine.travel(moment, tick=False):
            yield n


def test_the_nightly_refresh_never_turns_an_on_plan_weekly_project_red(world):
    """The 过江通道 case: one reading a week, on plan. The old rule turned it red four times (days
    6, 11, 18 and 26), each a "项目转为红灯" reminder; now it stays green every evening."""
    start = today()
    project = make_project(branch=world.branch, by=world.staff, name="过江通道征迁（每周）", start=0, deadline=28)
    indicator = make_indicator(project=project, by=world.staff, name="搬迁户数", target="225")
    weekly = {7: "40", 14: "95", 21: "160", 28: "225"}
    lights_seen = []
    for n in _each_evening(start, 29):
        if n in weekly:
            services.indicator_record_reading(indicator=indicator, value=Decimal(weekly[n]), by=world.secretary)
        turned_red = services.projects_refresh_all_lights()  # what the nightly task runs
        assert project.pk not in turned_red, n
        lights_seen.append(_reload(project).light)
    assert set(lights_seen) == {Light.GREEN}
    assert project.red_since is None


def test_the_nightly_refresh_turns_a_project_that_stops_reporting_red_once(world):
    start = today()
    project = make_project(branch=world.branch, by=world.staff, name="过江通道征迁（停报）", start=0, deadline=28)
    indicator = make_indicator(project=project, by=world.staff, name="搬迁户数", target="225")
    turned_on = []
    for n in _each_evening(start, 29):
        if n == 7:
            services.indicator_record_reading(indicator=indicator, value=Decimal("40"), by=world.secretary)
        if project.pk in services.projects_refresh_all_lights():
            turned_on.append(n)
    assert turned_on == [18]  # the week-1 reading speaks to day 14; red on day 18, reported once
    assert _reload(project).red_since == start + datetime.timedelta(days=18)
