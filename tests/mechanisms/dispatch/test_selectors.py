"""推进调度 reads: the pre-filled agenda, ticket colours at their boundaries (and their SQL
twin), the cadence, visibility narrowing, and the list queries."""

import datetime

import pytest

from branches.models import User
from mechanisms.common.workdays import WorkCalendar
from mechanisms.consultation import selectors as sel_consultation
from mechanisms.dispatch import selectors as sel
from mechanisms.dispatch import tickets as tickets
from mechanisms.dispatch.models import acknowledge_alert_on
from mechanisms.models import Instruction, InstructionStatus, ProblemStatus
from projects.models import DispatchCadence, IndicatorReading, Project
from tests.mechanisms.dispatch_world import (
    build_world,
    make_indicator,
    make_instruction,
    make_milestone,
    make_problem,
    make_project,
    today,
)
from tests.shared_world import shared_world
from tests.utils import count_queries

world_once, world = shared_world(build_world)  # built once per module: tests/shared_world.py


# ---------------------------------------------------------------- the agenda
class TestAgenda:
    def test_what_needs_a_decision_appears_and_nothing_else(self, world):
        w, by = world, world.staff
        # Halfway through the project's time (start −50, deadline +50): 50 % elapsed.
        red = make_indicator(project=w.project, by=by, name="搬迁户数", target="225", current="22.5")  # 10 %
        yellow = make_indicator(project=w.project, by=by, name="签约户数", target="100", current="35")  # 35 %
        edge = make_indicator(project=w.project, by=by, name="评估户数", target="100", current="30")  # gap 20: yellow
        make_indicator(project=w.project, by=by, name="腾空户数", target="100", current="45")  # green
        overdue_ms = make_milestone(project=w.project, by=by, name="完成入户评估", due=-3)
        soon_ms = make_milestone(project=w.project, by=by, name="启动腾空", due=5)
        make_milestone(project=w.project, by=by, name="开工仪式", due=10)  # beyond a weekly cadence
        make_milestone(project=w.project, by=by, name="摸底调查", due=-3, done=True)
        late = make_instruction(project=w.project, by=w.chief, unit=w.town_a, issued=-10, deadline=-2,
                                status="acknowledged", title="落实安置房源")
        make_instruction(project=w.project, by=w.chief, unit=w.town_a, issued=-10, deadline=-2, status="done")
        make_instruction(project=w.project, by=w.chief, unit=w.town_a, issued=-10, deadline=-2, status="verified")
        make_instruction(project=w.project, by=w.chief, unit=w.town_a, issued=-1, deadline=3)
        problem = make_problem(project=w.project, by=w.secretary, title="补偿标准争议")
        make_problem(project=w.project, by=w.secretary, title="已解决的问题", status="closed")
        # Another project's troubles stay off this agenda.
        make_indicator(project=w.other_project, by=by, name="别的指标", target="100", current="0")
        make_problem(project=w.other_project, by=w.staff, title="别的问题")

        n, agenda = count_queries(sel.dispatch_agenda, w.project, today())

        # indicators, their readings (the light is judged at the date of each one's evidence),
        # milestones, instructions, problems
        assert n == 5
        keyed = [(item["kind"], item["id"]) for item in agenda]
        assert keyed == [
            ("indicator", red.pk), ("indicator", yellow.pk), ("indicator", edge.pk),
            ("milestone", overdue_ms.pk), ("milestone", soon_ms.pk),
            ("instruction", late.pk),
            ("problem", problem.pk),
        ]
        by_id = {(i["kind"], i["id"]): i for i in agenda}
        assert by_id[("indicator", red.pk)]["light"] == "red"
        assert by_id[("indicator", red.pk)]["progress"] == "0.1000"
        assert by_id[("indicator", red.pk)]["elapsed"] == "0.5000"
        assert by_id[("indicator", yellow.pk)]["light"] == "yellow"
        assert by_id[("indicator", edge.pk)]["light"] == "yellow"
        assert by_id[("milestone", overdue_ms.pk)]["overdue_days"] == 3
        assert by_id[("milestone", soon_ms.pk)]["overdue_days"] == 0
        assert by_id[("instruction", late.pk)]["overdue_days"] == 2
        assert by_id[("instruction", late.pk)]["assignee"] == "孤山镇"
        assert by_id[("problem", problem.pk)]["status"] == "reported"

    def test_the_horizon_follows_the_cadence(self, world):
        project = make_project(
            branch=world.branch, by=world.staff, dispatch_chief=world.chief,
            dispatch_cadence=DispatchCadence.MONTHLY,
        )
        make_milestone(project=project, by=world.staff, name="月内节点", due=25)
        make_milestone(project=project, by=world.staff, name="下月节点", due=31)
        titles = [i["title"] for i in sel.dispatch_agenda(project, today())]
        assert titles == ["月内节点"]

    def test_an_indicator_short_of_target_after_the_deadline_is_red(self, world):
        project = make_project(branch=world.branch, by=world.staff, start=-30, deadline=-1)
        make_indicator(project=project, by=world.staff, name="签约企业", target="19", current="18")
        make_indicator(project=project, by=world.staff, name="入园企业", target="19", current="19")
        agenda = sel.dispatch_agenda(project, today())
        assert [(i["title"], i["light"]) for i in agenda] == [("签约企业", "red")]

    def test_an_indicator_on_plan_at_its_last_reading_is_not_on_the_agenda(self, world):
        # The 过江通道 case: 28 days; a reading 6 days ago exactly on the plan for its date. The
        # old today-based rule called it red (10/28 of the time gone, 4/28 done); the project
        # light's rule judges it at the date of its evidence, and so does the agenda now.
        project = make_project(branch=world.branch, by=world.staff, start=-10, deadline=18)
        indicator = make_indicator(project=project, by=world.staff, name="搬迁户数", target="28", current="4")
        IndicatorReading.objects.create(indicator=indicator, recorded_on=today() - datetime.timedelta(days=6), value=4)
        assert sel.dispatch_agenda(project, today()) == []

    def test_agenda_sections_label_codes(self, world):
        make_problem(project=world.project, by=world.secretary, title="补偿标准争议")
        sections = sel.agenda_sections(sel.dispatch_agenda(world.project, today()))
        assert [s.kind for s in sections] == ["indicator", "milestone", "instruction", "problem"]
        assert sections[3].items[0]["status_label"] == ProblemStatus.REPORTED.label


# ---------------------------------------------------------------- ticket colours
WED = datetime.date(2025, 6, 11)  # a Wednesday


class Ticket:
    def __init__(self, *, deadline, status=InstructionStatus.ACKNOWLEDGED, issued_on=None):
        self.deadline = deadline
        self.status = status
        self.issued_on = issued_on or WED - datetime.timedelta(days=1)
        self.acknowledge_alert_on = acknowledge_alert_on(self.issued_on, deadline)


def colour(deadline, *, today=WED, calendar=None, **kwargs):
    thresholds = tickets.TicketThresholds.on(today, calendar or WorkCalendar())
    return tickets.ticket_colour(Ticket(deadline=deadline, **kwargs), thresholds)


def d(month_day: str) -> datetime.date:
    return datetime.date.fromisoformat(f"2025-{month_day}")


class TestTicketColour:
    @pytest.mark.parametrize(
        "deadline, expected",
        [
            ("06-10", "red"),  # yesterday: overdue
            ("06-11", "yellow"),  # today: 0 working days left
            ("06-12", "yellow"),  # Thursday: 1 working day left
            ("06-13", "blue"),  # Friday: 2 working days left
            ("06-16", "blue"),  # Monday: 3 working days left
            ("06-17", None),  # Tuesday: 4 working days left
        ],
    )
    def test_working_days_left(self, deadline, expected):
        assert colour(d(deadline)) == expected

    @pytest.mark.parametrize(
        "deadline, expected",
        [("06-14", "yellow"), ("06-16", "yellow"), ("06-17", "blue"), ("06-18", "blue"), ("06-19", None)],
    )
    def test_the_weekend_does_not_count(self, deadline, expected):
        # From Friday the 13th: Saturday and Sunday are no working days.
        assert colour(d(deadline), today=d("06-13")) == expected

    def test_holidays_and_makeup_days_count_as_the_calendar_says(self):
        holiday_thursday = WorkCalendar(holidays=[d("06-12")])
        assert colour(d("06-13"), calendar=holiday_thursday) == "yellow"  # Friday is the 1st working day
        assert colour(d("06-17"), calendar=holiday_thursday) == "blue"
        worked_saturday = WorkCalendar(makeup_days=[d("06-14")])
        assert colour(d("06-16"), today=d("06-13"), calendar=worked_saturday) == "blue"

    @pytest.mark.parametrize(
        "issued_on, status, expected",
        [
            ("05-15", InstructionStatus.ISSUED, None),  # 27 of 36 days: exactly 75 %, not more
            ("05-14", InstructionStatus.ISSUED, "yellow"),  # 28 of 37 days: more than 75 %
            ("05-14", InstructionStatus.ACKNOWLEDGED, None),  # acknowledged: the rule does not apply
            ("05-14", InstructionStatus.RETURNED, None),
        ],
    )
    def test_unacknowledged_for_more_than_three_quarters_of_the_time(self, issued_on, status, expected):
        assert colour(d("06-20"), issued_on=d(issued_on), status=status) == expected

    @pytest.mark.parametrize("status", [InstructionStatus.DONE, InstructionStatus.VERIFIED])
    def test_no_colour_once_reported_done(self, status):
        assert colour(d("06-01"), status=status) is None

    def test_the_alert_date(self):
        assert acknowledge_alert_on(d("06-01"), d("06-05")) == d("06-05")  # span 4: day 4 is 100 %
        assert acknowledge_alert_on(d("06-01"), d("06-11")) == d("06-09")  # span 10: day 8 is 80 %
        assert acknowledge_alert_on(d("06-01"), d("06-01")) == d("06-02")

    def test_the_filter_agrees_with_the_function(self, world):
        w = world
        rows = []
        for status in (InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED, InstructionStatus.DONE):
            for deadline in ("06-10", "06-11", "06-12", "06-13", "06-16", "06-17", "06-20"):
                for issued_on in ("05-14", "05-15", "06-09"):
                    rows.append(Instruction.objects.create(
                        project=w.project, branch=w.branch, title=f"{status}-{deadline}-{issued_on}",
                        assignee_unit=w.town_a, issued_on=d(issued_on), deadline=d(deadline), status=status,
                    ))
        thresholds = tickets.TicketThresholds.on(WED, WorkCalendar())
        for wanted in tickets.TICKET_COLOURS:
            in_sql = set(Instruction.objects.filter(tickets.ticket_colour_q(wanted, thresholds)).values_list("pk", flat=True))
            in_python = {row.pk for row in rows if tickets.ticket_colour(row, thresholds) == wanted}
            assert in_sql == in_python, wanted
            assert in_sql  # every colour is represented


# ---------------------------------------------------------------- cadence
class TestCadence:
    def test_never_held_is_due_since_the_start(self, world):
        assert sel.next_dispatch_due(world.project) == world.project.start_on

    @pytest.mark.parametrize("cadence, days", [("weekly", 7), ("fortnightly", 14), ("monthly", 30)])
    def test_recording_a_session_moves_the_next_one_a_cadence_later(self, world, cadence, days):
        from mechanisms.dispatch.services import dispatch_create

        Project.objects.filter(pk=world.project.pk).update(dispatch_cadence=cadence)
        world.project.refresh_from_db()
        held_on = today() - datetime.timedelta(days=3)
        dispatch_create(project=world.project, by=world.chief, held_on=held_on)  # a draft moves nothing
        world.project.refresh_from_db()
        assert sel.next_dispatch_due(world.project) == world.project.start_on
        dispatch_create(project=world.project, by=world.chief, held_on=held_on, record=True)
        world.project.refresh_from_db()
        assert world.project.last_dispatch_on == held_on
        assert sel.next_dispatch_due(world.project) == held_on + datetime.timedelta(days=days)


# ---------------------------------------------------------------- who may act
class TestWhoMayAct:
    def test_dispatch_projects(self, world):
        w = world
        assert set(sel.dispatch_projects(w.chief)) == {w.project}
        assert set(sel.dispatch_projects(w.staff)) == {w.project, w.other_project}
        assert set(sel.dispatch_projects(w.staff_b)) == {w.b_project}
        for user in (w.leader, w.secretary, w.liaison, w.member):
            assert not sel.dispatch_projects(user).exists()

    def test_convening_branches(self, world):
        w = world
        assert set(sel_consultation.convening_branches(w.secretary)) == {w.branch}
        assert set(sel_consultation.convening_branches(w.chief)) == {w.branch}
        assert set(sel_consultation.convening_branches(w.staff)) == {w.branch, w.other_branch}
        for user in (w.leader, w.liaison, w.member, w.staff_b):
            assert w.branch not in sel_consultation.convening_branches(user)

    def test_instruction_candidates(self, world):
        w = world
        units = set(sel.instruction_unit_candidates(w.project))
        assert units == {w.department_a, w.town_a}
        people = set(sel.instruction_person_candidates(w.project))
        assert {w.secretary, w.liaison, w.dept_liaison} <= people
        assert w.b_liaison not in people and w.member not in people


# ---------------------------------------------------------------- the lists
def _instructions(w, n):
    for i in range(n):
        make_instruction(project=w.project, by=w.chief, unit=w.town_a, user=w.secretary if i % 2 else None,
                         issued=-5, deadline=(i % 9) - 3, status=["issued", "acknowledged", "done"][i % 3])


class TestListQueries:
    def test_instruction_list_is_constant(self, world):
        thresholds = tickets.TicketThresholds.on(today(), WorkCalendar())

        def run(user):
            rows = list(sel.instruction_list(user=user, filters={"colour": "red"}, thresholds=thresholds))
            for row in rows:
                str(row.project), str(row.assignee_unit), str(row.assignee_user), str(row.branch)
            return rows

        _instructions(world, 10)
        # A fresh user each time: the role lookup is one query per request.
        small, rows = count_queries(run, User.objects.get(pk=world.staff.pk))
        _instructions(world, 190)
        large, more = count_queries(run, User.objects.get(pk=world.staff.pk))
        # roles, the user's organization (jurisdiction), their holdings (grants, memberships,
        # instructions: branches.selectors.holds_any), rows
        assert small == large == 4
        assert len(more) > len(rows) > 0

    def test_filters(self, world):
        w = world
        thresholds = tickets.TicketThresholds.on(today(), WorkCalendar())
        mine = make_instruction(project=w.project, by=w.chief, unit=w.town_a, issued=-3, deadline=-1, title="落实安置房源")
        make_instruction(project=w.project, by=w.chief, unit=w.department_a, deadline=5, status="verified")

        def ids(**filters):
            search = filters.pop("search", "")
            return [i.pk for i in sel.instruction_list(user=w.staff, filters=filters, search=search,
                                                        thresholds=thresholds)]

        assert ids(assignee_unit=w.town_a.pk) == [mine.pk]
        assert ids(overdue=True) == [mine.pk]
        assert ids(colour="red") == [mine.pk]
        assert ids(open=True) == [mine.pk]
        assert ids(search="安置") == [mine.pk]
        assert ids(status="verified") != [mine.pk]
        assert len(ids(project=w.project.pk)) == 2
        assert ids(project=w.other_project.pk) == []
        # A liaison sees only their unit's.
        liaison_rows = sel.instruction_list(user=w.liaison, thresholds=thresholds)
        assert [i.pk for i in liaison_rows] == [mine.pk]
