"""The 调度长's cockpit and the unit liaison's home: what they show, in what order, and their
query counts pinned and constant."""

import pytest
from django.urls import reverse

from branches.models import Light, User
from mechanisms.desks import selectors as sel
from mechanisms.models import Dispatch, ProblemAssignment
from projects.models import DispatchCadence, Project
from projects.services import project_schedule_dispatch
from tests.mechanisms.dispatch_world import (
    build_world,
    days,
    make_consultation,
    make_instruction,
    make_problem,
    make_project,
    make_resolution,
)
from tests.shared_world import shared_world
from tests.utils import get_query_count

world_once, world = shared_world(build_world)  # built once per module: tests/shared_world.py


def held(project, when, *, status="recorded"):
    dispatch = Dispatch.objects.create(project=project, branch=project.branch, held_on=when, status=status)
    if status == "recorded":
        # What dispatch_record does: the project keeps when the next session is due.
        project_schedule_dispatch(project=project, held_on=when)
    return dispatch


class TestCockpit:
    def test_sessions_due_by_cadence(self, world):
        w = world
        never = w.project  # never held: due since its start
        recent = make_project(branch=w.branch, by=w.staff, name="近期已调度", dispatch_chief=w.chief)
        held(recent, days(-3))
        late = make_project(branch=w.branch, by=w.staff, name="调度逾期", dispatch_chief=w.chief,
                            dispatch_cadence=DispatchCadence.FORTNIGHTLY)
        held(late, days(-20))
        held(late, days(-16))
        held(late, days(-1), status="draft")  # a draft is not a session held
        today_due = make_project(branch=w.branch, by=w.staff, name="今日到期", dispatch_chief=w.chief)
        held(today_due, days(-7))

        cockpit = sel.cockpit(w.chief)

        rows = {r.project.name: r for r in cockpit.projects}
        assert set(rows) == {"过江通道征迁", "近期已调度", "调度逾期", "今日到期"}
        assert rows["过江通道征迁"].next_due_on == never.start_on and rows["过江通道征迁"].dispatch_due
        assert rows["过江通道征迁"].last_dispatch_on is None
        assert rows["近期已调度"].next_due_on == days(4) and not rows["近期已调度"].dispatch_due
        assert rows["调度逾期"].last_dispatch_on == days(-16)
        assert rows["调度逾期"].next_due_on == days(-2) and rows["调度逾期"].overdue_days == 2
        assert rows["今日到期"].dispatch_due and rows["今日到期"].overdue_days == 0
        # Most overdue first.
        assert [r.project.name for r in cockpit.due] == ["过江通道征迁", "调度逾期", "今日到期"]
        assert cockpit.counts["due"] == 3
        assert [d.project.name for d in cockpit.drafts] == ["调度逾期"]

    def test_only_their_open_projects_worst_light_first(self, world):
        w = world
        red = make_project(branch=w.branch, by=w.staff, name="红灯项目", dispatch_chief=w.chief)
        Project.objects.filter(pk=red.pk).update(light=Light.RED)
        done = make_project(branch=w.branch, by=w.staff, name="已完成项目", dispatch_chief=w.chief)
        Project.objects.filter(pk=done.pk).update(status="completed")
        names = [r.project.name for r in sel.cockpit(w.chief).projects]
        assert names == ["红灯项目", "过江通道征迁"]
        assert sel.cockpit(w.other_chief).projects[0].project == w.other_project

    def test_overdue_instructions_and_open_problems(self, world):
        w = world
        late = make_instruction(project=w.project, by=w.chief, unit=w.town_a, issued=-9, deadline=-2, title="逾期事项")
        make_instruction(project=w.project, by=w.chief, unit=w.town_a, issued=-9, deadline=-2, status="done",
                         title="待验收事项")
        make_instruction(project=w.project, by=w.chief, unit=w.town_a, deadline=5, title="未到期事项")
        make_instruction(project=w.other_project, by=w.other_chief, unit=w.town_a, issued=-9, deadline=-2,
                         title="别人的逾期事项")
        problem = make_problem(project=w.project, by=w.secretary, title="补偿标准争议", deadline=days(-1))
        make_problem(project=w.project, by=w.secretary, title="已关闭", status="closed")
        make_problem(project=w.other_project, by=w.staff, title="别人的问题")

        cockpit = sel.cockpit(w.chief)

        assert [i.title for i in cockpit.overdue_instructions] == ["逾期事项"]
        assert cockpit.overdue_instructions[0].ticket == "red"
        assert [i.title for i in cockpit.awaiting_verification] == ["待验收事项"]
        assert [p.pk for p in cockpit.open_problems] == [problem.pk]
        row = cockpit.projects[0]
        assert (row.project.open_instruction_count, row.project.overdue_instruction_count) == (3, 1)
        assert row.project.open_problem_count == 1
        assert cockpit.counts["overdue_instructions"] == 1
        assert late.pk in [i.pk for i in cockpit.overdue_instructions]

    def test_the_page(self, world, client):
        make_instruction(project=world.project, by=world.chief, unit=world.town_a, issued=-9, deadline=-2,
                         title="逾期事项")
        client.force_login(world.chief)
        body = client.get(reverse("mechanisms:cockpit")).content.decode()
        assert "过江通道征迁" in body and "逾期事项" in body
        assert reverse("mechanisms:dispatch_create", args=[world.project.pk]) in body
        assert 'data-testid="session-due"' in body
        assert "循环产业链用地租赁" not in body  # another 调度长's project
        # A due session names its branch: two branches may both have a project called 征迁.
        due = body[body.index('data-testid="session-due"') :]
        assert world.project.branch.name in due[: due.index("</div>")]

    @pytest.mark.parametrize(
        ("state", "on", "shown"),
        [
            ("not_enough_data", None, "Not enough data yet"),
            ("stalled", None, "Stalled"),
            ("far", None, "At this pace: not done within 10 years."),
            ("none", None, "No indicators"),
            ("dated", 30, None),
        ],
    )
    def test_the_forecast_says_what_the_project_page_says(self, world, client, state, on, shown):
        """The stored forecast state, worded by the one tag (projects/templatetags/forecasts.py)."""
        on = days(on) if on is not None else None
        Project.objects.filter(pk=world.project.pk).update(forecast_state=state, forecast_on=on)
        client.force_login(world.chief)

        body = client.get(reverse("mechanisms:cockpit"), headers={"accept-language": "en"}).content.decode()

        cell = body[body.index('data-testid="forecast"') :]
        cell = cell[: cell.index("</dd>")]
        assert f'data-forecast-state="{state}"' in cell
        assert (shown or on.isoformat()) in cell
        assert "no recent pace" not in body

    def test_query_count_is_pinned_and_constant(self, world, client):
        def fill(n):
            for i in range(n):
                project = make_project(branch=world.branch, by=world.staff, dispatch_chief=world.chief)
                held(project, days(-i))
                make_instruction(project=project, by=world.chief, unit=world.town_a, issued=-9, deadline=-1)
                make_instruction(project=project, by=world.chief, unit=world.town_a, status="done")
                make_problem(project=project, by=world.staff)
                held(project, days(0), status="draft")

        def count():
            client.force_login(User.objects.get(pk=world.chief.pk))
            return get_query_count(client, reverse("mechanisms:cockpit"))

        fill(2)
        small = count()
        fill(8)
        large = count()
        # session, user, roles, calendar, projects (with counts), overdue, awaiting, problems,
        # drafts, unread badge,; the nudge panel (selectors_reminders.nudge_panel):
        # late secretaries, overdue instructions, their units' liaisons, the last nudges (4)
        assert small == large == 14


class TestLiaisonHome:
    def test_their_units_items_overdue_first(self, world):
        w = world
        on_time = make_instruction(project=w.project, by=w.chief, unit=w.town_a, deadline=5, title="按期事项")
        late = make_instruction(project=w.project, by=w.chief, unit=w.town_a, issued=-9, deadline=-2, title="逾期事项")
        waiting = make_instruction(project=w.project, by=w.chief, unit=w.town_a, status="done", title="待验收")
        make_instruction(project=w.project, by=w.chief, unit=w.town_a, status="verified", title="已验收")
        make_instruction(project=w.project, by=w.chief, unit=w.department_a, title="审批局的事项")
        personal = make_instruction(project=w.project, by=w.chief, user=w.liaison, deadline=9, title="交给我本人的")

        lead = make_problem(project=w.project, by=w.secretary, title="牵头问题", unit=w.town_a, status="analysed",
                            deadline=days(5))
        overdue_lead = make_problem(project=w.project, by=w.secretary, title="逾期问题", unit=w.town_a,
                                    status="accepted", deadline=days(-1))
        co = make_problem(project=w.project, by=w.secretary, title="协办问题", unit=w.department_a, status="analysed",
                          deadline=days(3))
        ProblemAssignment.objects.create(problem=co, unit=w.town_a, due_on=days(2))
        make_problem(project=w.project, by=w.secretary, title="别的单位问题", unit=w.department_a, status="analysed")
        make_problem(project=w.project, by=w.secretary, title="已关闭问题", unit=w.town_a, status="closed")

        consultation = make_consultation(branch=w.branch, by=w.secretary, units=[w.town_a, w.department_a])
        res_late = make_resolution(consultation=consultation, unit=w.town_a, deadline=-1, content="逾期决议")
        res_open = make_resolution(consultation=consultation, unit=w.town_a, deadline=4, content="按期决议")
        make_resolution(consultation=consultation, unit=w.department_a, content="审批局决议")
        make_resolution(consultation=consultation, unit=w.town_a, status="verified", content="已验收决议")

        home = sel.liaison_home(w.liaison)

        assert home.unit == w.town_a
        assert [i.pk for i in home.instructions] == [late.pk, on_time.pk, personal.pk, waiting.pk]
        assert home.instructions[0].overdue_days == 2 and home.instructions[0].ticket == "red"
        assert [p.pk for p in home.problems] == [overdue_lead.pk, co.pk, lead.pk]
        assert [p.is_lead for p in home.problems] == [True, False, True]
        assert [r.pk for r in home.resolutions] == [res_late.pk, res_open.pk]
        assert home.counts == {"problems_overdue": 1, "instructions_overdue": 1, "resolutions_overdue": 1}

    def test_the_page(self, world, client):
        make_instruction(project=world.project, by=world.chief, unit=world.town_a, title="孤山镇的事项")
        make_instruction(project=world.project, by=world.chief, unit=world.department_a, title="审批局的事项")
        client.force_login(world.liaison)
        body = client.get(reverse("mechanisms:liaison_home")).content.decode()
        assert "孤山镇的事项" in body and "审批局的事项" not in body
        assert "孤山镇" in body

    def test_query_count_is_pinned_and_constant(self, world, client):
        def fill(n):
            consultation = make_consultation(branch=world.branch, by=world.secretary, units=[world.town_a])
            for i in range(n):
                make_instruction(project=world.project, by=world.chief, unit=world.town_a, issued=-9, deadline=i - 3)
                problem = make_problem(project=world.project, by=world.staff, unit=world.department_a,
                                       status="analysed", deadline=days(i - 3))
                ProblemAssignment.objects.create(problem=problem, unit=world.town_a, due_on=days(i))
                make_resolution(consultation=consultation, unit=world.town_a, deadline=i - 2)

        def count():
            client.force_login(User.objects.get(pk=world.liaison.pk))
            return get_query_count(client, reverse("mechanisms:liaison_home"))

        fill(3)
        small = count()
        fill(20)
        large = count()
        # session, user, roles, calendar, unit, problems, their assignments, instructions,
        # resolutions, unread badge
        assert small == large == 10
